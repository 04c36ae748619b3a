import { CloudPeerFilter, EgressExportFilter, EgressGatewayTenant, EgressTenant, FelixSettings, egressAnnotations } from '../../lib/calico';
import { callerLocation } from '../../lib/core';
import { clusterStack, lineOf } from '../helpers';

// Errors about a tenant name where it was declared (it is a value, not a construct) and, when a
// construct uses it, that construct's path and field too (issue 13 item 9).

const tenantA = new EgressTenant({ name: 'a', egressCidr: '10.99.0.0/29' });

describe('EgressTenant declaration site', () => {
  test('a tenant knows the file and line of its new EgressTenant(...)', () => {
    expect(tenantA.declaredAt).toBe('test/calico/egress-tenant.test.ts:8');
    expect(tenantA.description).toBe('tenant "a", declared at test/calico/egress-tenant.test.ts:8');
  });

  test('callerLocation skips the library\'s own frames', () => {
    expect(callerLocation()).toBe('test/calico/egress-tenant.test.ts:17');
  });

  test('an error in the declaration names the tenant and where it was declared', () => {
    expect(() => new EgressTenant({ name: 'b', egressCidr: '10.99.0.1/29' })).toThrow(
      'tenant "b" (declared at test/calico/egress-tenant.test.ts:21): egressCidr is "10.99.0.1/29"; host bits are set; the range starting there is 10.99.0.0/29');
  });

  test('props missing or a name that is not a string (JavaScript callers) name the declaration site', () => {
    expect(() => new EgressTenant(undefined as any)).toThrow(
      "new EgressTenant() at test/calico/egress-tenant.test.ts:26: props is missing; EgressTenant takes an object of props with 'name', 'egressCidr'");
    expect(() => new EgressTenant({ name: 7, egressCidr: '10.99.0.0/29' } as any)).toThrow(
      'new EgressTenant() at test/calico/egress-tenant.test.ts:28: name (a number) is 7; expected a DNS-1123 label, e.g. tenant0');
  });

  test('a construct using a tenant names its path, the field and the tenant\'s declaration', () => {
    const { manifests } = clusterStack();
    expect(() => new EgressExportFilter(manifests, 'export', { tenants: [tenantA, tenantA] })).toThrow(
      'cluster/calico/export: tenants[1] (tenant "a", declared at test/calico/egress-tenant.test.ts:8) is "a"; tenants[0] is the same tenant; list each once');
  });

  test('a plain object where a tenant is expected is refused with the construct path', () => {
    const { manifests } = clusterStack();
    const fake = { name: 'a', egressCidr: '10.99.0.0/29' };
    expect(() => new CloudPeerFilter(manifests, 'cloud', { tenants: [tenantA, fake as any] })).toThrow(
      'cluster/calico/cloud: tenants[1] (an object) is {name: "a", egressCidr: "10.99.0.0/29"}; expected an EgressTenant: declare it once with new EgressTenant({ name, egressCidr }) and pass that object');
    expect(() => new EgressGatewayTenant(clusterStack().manifests, 'gw', { tenant: 'a' as any })).toThrow(
      'cluster/calico/gw: tenant (a string) is "a"; expected an EgressTenant');
  });

  test('egressAnnotations, a function, names where the app called it', () => {
    expect(() => egressAnnotations(tenantA, { maxNextHops: 0 })).toThrow(
      'egressAnnotations() at test/calico/egress-tenant.test.ts:48: options.maxNextHops is 0; a whole number of at least 1');
    expect(() => egressAnnotations({ name: 'a' } as any)).toThrow(
      'egressAnnotations() at test/calico/egress-tenant.test.ts:50: tenant (an object) is {name: "a"}; expected an EgressTenant');
  });

  test('a grant without namespaces names the construct, the field and the tenant\'s declaration', () => {
    const { manifests } = clusterStack();
    new EgressGatewayTenant(manifests, 'a', { tenant: tenantA });
    const other = new EgressTenant({ name: 'c', egressCidr: '10.99.0.8/29' });
    expect(() => new FelixSettings(manifests, 'felix', { egressIPSupport: 'EnabledPerNamespaceOrPerPod', podEgressGrants: [{ tenant: other, namespaces: [] }] })).toThrow(
      'cluster/calico/felix/pod-egress-admission: grants[0].namespaces (tenant "c", declared at test/calico/egress-tenant.test.ts:57) is []; name the namespaces whose pods may choose tenant c');
  });
});

describe('callerLocation', () => {
  test('callerLocation finds the app below more frames of packages than it first looks at', () => {
    // A package (in node_modules) that calls the library 20 calls deep: the first frames are all the
    // package's, so the app's frame is found on a second, deeper look.
    const { fs, os, path } = { fs: require('fs') as typeof import('fs'), os: require('os') as typeof import('os'), path: require('path') as typeof import('path') };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'egress-caller-'));
    const file = path.join(dir, 'node_modules', 'deep-helper', 'index.js');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'module.exports = function deep(n, f) { return n === 0 ? f() : [deep(n - 1, f)][0]; };\n');
    try {
      const deep = require(file) as (n: number, f: () => string) => string;
      const direct = deep(20, callerLocation); // deep call
      const wrapped = deep(20, () => callerLocation()); // deep call, wrapped
      expect(direct).toBe(lineOf(__filename, 'deep call'));
      expect(wrapped).toBe(lineOf(__filename, 'deep call, wrapped'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
