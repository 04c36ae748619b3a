export * from './core';
export * from './azure';
export * from './aws';
export * from './calico';
export * from './checks';
export * from './report';
export * from './patterns';
