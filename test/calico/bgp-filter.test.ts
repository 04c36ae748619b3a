import { Construct } from 'constructs';
import { Cidr, declareRanges } from '../../lib/core';
import { BGPFilterRule, BgpFilter, EgressExportFilter, EgressTenant } from '../../lib/calico';
import { clusterStack, manifestResource, synth } from '../helpers';

const tenants = [
  new EgressTenant({ name: 'tenant0', egressCidr: '10.99.0.0/29' }),
  new EgressTenant({ name: 'tenant1', egressCidr: '10.99.0.8/29' }),
];

/** A cluster stack whose app declares the pod range 10.244.0.0/24. */
function withPods() {
  const c = clusterStack();
  declareRanges(new Construct(c.stack, 'aks'), [{ cidr: Cidr.parse('10.244.0.0/24'), kind: 'pod', label: 'pod CIDR of cluster spoke1-aks' }]);
  return c;
}

describe('EgressExportFilter', () => {
  test('accepts each egress range, then rejects every other route', () => {
    const { stack, manifests } = withPods();
    const f = new EgressExportFilter(manifests, 'export', { tenants });
    const json = synth(stack);
    expect(manifestResource(json, 'BGPFilter', 'export-egress-ips').manifest).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'BGPFilter',
      metadata: { name: 'export-egress-ips' },
      spec: {
        exportV4: [
          { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.0/29' },
          { action: 'Accept', matchOperator: 'In', cidr: '10.99.0.8/29' },
          { action: 'Reject' },
        ],
      },
    });
    expect(f.exportedCidrs.map(String)).toEqual(['10.99.0.0/29', '10.99.0.8/29']);
    expect(f.name).toBe('export-egress-ips');
  });

  test('rejects a range that would let the pod pool out', () => {
    const { stack, manifests } = withPods();
    new EgressExportFilter(manifests, 'export', { tenants, additionalCidrs: ['10.244.0.0/16'] });
    expect(() => synth(stack)).toThrow(
      'cluster/calico/export: exportV4[2] is "Accept In 10.244.0.0/16"; it accepts 10.244.0.0/24, part of pod CIDR of cluster spoke1-aks (10.244.0.0/24); an export filter must not let pod routes out of the cluster');
  });

  test('needs something to let out', () => {
    const { manifests } = clusterStack();
    expect(() => new EgressExportFilter(manifests, 'export', { tenants: [] })).toThrow(
      'cluster/calico/export: tenants is []; an egress export filter needs at least one tenant or range to let out');
  });
});

describe('BgpFilter', () => {
  const filter = (exportV4: BGPFilterRule[]) => {
    const { stack, manifests } = withPods();
    new BgpFilter(manifests, 'f', { name: 'f', exportV4 });
    return () => synth(stack);
  };

  test.each([
    ['accepts a range inside the pod pool', [{ action: 'Accept', matchOperator: 'In', cidr: '10.244.0.64/26' }],
      'exportV4[0] is "Accept In 10.244.0.64/26"; it accepts 10.244.0.64/26, part of pod CIDR'],
    ['accepts everything outside another range', [{ action: 'Accept', matchOperator: 'NotIn', cidr: '10.99.0.0/29' }],
      'exportV4[0] is "Accept NotIn 10.99.0.0/29"; it accepts 10.244.0.0/24'],
    ['accepts routes of an interface', [{ action: 'Accept', interface: '*.calico' }],
      'exportV4[0] is "Accept interface *.calico"; it accepts 10.244.0.0/24'],
  ] as [string, BGPFilterRule[], string][])('rejects a filter that %s', (_, rules, message) => {
    expect(filter(rules)).toThrow(`cluster/calico/f: ${message}`);
  });

  test('a reject before the accept keeps pod routes in', () => {
    const run = filter([{ action: 'Reject', matchOperator: 'In', cidr: '10.244.0.0/16' }, { action: 'Accept' }]);
    expect(manifestResource(run(), 'BGPFilter', 'f').manifest.spec.exportV4).toEqual([
      { action: 'Reject', matchOperator: 'In', cidr: '10.244.0.0/16' }, { action: 'Accept' },
    ]);
  });

  test('import rules are not export rules', () => {
    const { stack, manifests } = withPods();
    new BgpFilter(manifests, 'f', { name: 'f', importV4: [{ action: 'Accept', matchOperator: 'In', cidr: '10.244.0.0/24' }] });
    expect(manifestResource(synth(stack), 'BGPFilter', 'f').manifest.spec.importV4).toHaveLength(1);
  });

  test.each([
    ['a cidr without matchOperator', { exportV4: [{ action: 'Accept', cidr: '10.0.0.0/8' }] }, 'exportV4[0].matchOperator is missing; a rule matching on a CIDR needs both cidr and matchOperator'],
    ['an IPv6 range in a v4 rule', { exportV4: [{ action: 'Accept', matchOperator: 'In', cidr: 'fd00::/64' }] }, 'exportV4[0].cidr is "fd00::/64"; rules of exportV4 take IPv4 ranges'],
    ['a prefix length above 32', { importV4: [{ action: 'Accept', prefixLength: { max: 33 } }] }, 'importV4[0].prefixLength.max is 33; a prefix length is 0 to 32'],
    ['min above max', { exportV6: [{ action: 'Reject', prefixLength: { min: 64, max: 48 } }] }, 'exportV6[0].prefixLength.min is 64; min must not exceed max (48)'],
    ['a range with host bits', { exportV4: [{ action: 'Accept', matchOperator: 'Equal', cidr: '10.0.0.1/8' }] }, 'exportV4[0].cidr is "10.0.0.1/8"; host bits are set'],
  ] as [string, Record<string, BGPFilterRule[]>, string][])('rejects %s', (_, spec, message) => {
    const { manifests } = clusterStack();
    expect(() => new BgpFilter(manifests, 'f', { name: 'f', ...spec })).toThrow(`cluster/calico/f: ${message}`);
  });
});
