export * from './vpc';
export * from './inspection-vpc';
export * from './network-firewall-rules';
export * from './network-firewall';
export * from './transit-gateway';
export * from './tgw-connect';
export * from './egress-gateway-subnets';
