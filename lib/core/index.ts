export * from './errors';
export * from './cidr';
export * from './asn';
export * from './names';
export * from './rules';
export * from './synth-checks';
export * from './address-plan';
export * from './guards';
