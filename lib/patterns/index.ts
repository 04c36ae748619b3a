export * from './egress-hub';
