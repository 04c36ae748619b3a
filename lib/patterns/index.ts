export * from './egress-hub';
export * from './egress-spoke';
export * from './egress-spoke-cluster';
