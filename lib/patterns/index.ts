export * from './egress-hub';
export * from './egress-spoke';
