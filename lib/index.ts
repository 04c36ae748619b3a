export * from './core';
export * from './azure';
export * from './calico';
