import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { parse } from 'yaml';
import { CalicoOperator, CALICO_VERSION } from '../../lib/calico';
import { Construct } from 'constructs';
import { Cidr, declareRanges, rangesInApp } from '../../lib/core';
import { azureStack, resource, synth } from '../helpers';

describe('CalicoOperator', () => {
  test('installs the tigera-operator chart with Calico CNI and IPAM and the given pools', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/config' } });
    const op = new CalicoOperator(stack, 'calico', {
      provider: helm, kubernetesProvider: 'AKS',
      ipPools: [{ cidr: Cidr.parse('10.244.0.0/24') }, { cidr: '10.245.0.0/16', encapsulation: 'IPIP', natOutgoing: false, blockSize: 28 }],
    });
    const json = synth(stack);
    const release = resource(json, 'helm_release', 'calico');
    expect(release).toMatchObject({
      chart: 'tigera-operator', repository: 'https://docs.tigera.io/calico/charts', version: CALICO_VERSION,
      namespace: 'tigera-operator', create_namespace: true, provider: 'helm',
    });
    expect(CALICO_VERSION).toBe('v3.33.1');
    expect(parse(release.values[0])).toEqual({
      installation: {
        kubernetesProvider: 'AKS',
        cni: { type: 'Calico', ipam: { type: 'Calico' } },
        calicoNetwork: {
          bgp: 'Enabled',
          ipPools: [
            { cidr: '10.244.0.0/24', encapsulation: 'VXLAN' },
            { cidr: '10.245.0.0/16', encapsulation: 'IPIP', natOutgoing: 'Disabled', blockSize: 28 },
          ],
        },
      },
    });
    expect(op.pools.map(String)).toEqual(['10.244.0.0/24', '10.245.0.0/16']);
  });

  test('rejects no pools, a bad namespace and a block size the pool cannot hold', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    expect(() => new CalicoOperator(stack, 'a', { provider: helm, ipPools: [] })).toThrow('test/a: ipPools is []; Calico needs at least one IP pool for pods');
    expect(() => new CalicoOperator(stack, 'b', { provider: helm, namespace: 'Tigera', ipPools: [{ cidr: '10.244.0.0/24' }] })).toThrow(/test\/b: namespace is "Tigera"/);
    expect(() => new CalicoOperator(stack, 'c', { provider: helm, ipPools: [{ cidr: '10.244.0.0/24', blockSize: 20 }] })).toThrow(
      'test/c: ipPools[0].blockSize is 20; the block size of 10.244.0.0/24 is /24 to /32 (Calico takes /20 to /32 for IPv4, no larger than the pool)');
  });

  test.each([
    [19, 'the block size of 10.0.0.0/8 is /20 to /32 (Calico takes /20 to /32 for IPv4, no larger than the pool)'],
    [33, 'the block size of 10.0.0.0/8 is /20 to /32'],
    [26.5, 'the block size of 10.0.0.0/8 is /20 to /32'],
  ])('refuses an IPv4 block size of %s', (blockSize, message) => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    expect(() => new CalicoOperator(stack, 'calico', { provider: helm, ipPools: [{ cidr: '10.0.0.0/8', blockSize }] })).toThrow(
      `test/calico: ipPools[0].blockSize is ${blockSize}; ${message}`);
  });

  test('declares its pools in the app address plan and refuses one that overlaps another range', () => {
    const stack = azureStack();
    const helm = new HelmProvider(stack, 'helm', {});
    declareRanges(new Construct(stack, 'spoke'), [{ cidr: Cidr.parse('10.244.0.0/16'), kind: 'vnet', label: 'VNet spoke' }]);
    const op = new CalicoOperator(stack, 'calico', { provider: helm, ipPools: [{ cidr: '10.244.1.0/24' }] });
    expect(rangesInApp(stack).filter((r) => r.owner === op).map((r) => [r.cidr.toString(), r.kind, r.label])).toEqual([['10.244.1.0/24', 'pod', 'Calico pool 10.244.1.0/24']]);
    expect(() => synth(stack)).toThrow(
      'test/calico: ipPools[0].cidr is "10.244.1.0/24"; it overlaps VNet spoke (10.244.0.0/16, test/spoke); Calico assigns pod addresses from the pool, so it must be clear of every network, service range and egress range');
  });
});
