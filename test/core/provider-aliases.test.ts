import { Testing, TerraformStack } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { checkProviderAliases, requireDistinctProviderAliases } from '../../lib/core';
import { ClusterManifests } from '../../lib/calico';
import { synth } from '../helpers';

describe('two providers of one type in one stack', () => {
  test('without aliases the synth stops, naming both', () => {
    const stack = new TerraformStack(Testing.app(), 'cloud');
    new HelmProvider(stack, 'helm-spoke1', { kubernetes: { configPath: '~/.kube/spoke1' } });
    new HelmProvider(stack, 'helm-spoke2', { kubernetes: { configPath: '~/.kube/spoke2' } });
    requireDistinctProviderAliases(stack);
    expect(() => synth(stack)).toThrow('cloud/helm-spoke2: alias is missing; cloud has 2 helm providers without distinct aliases (cloud/helm-spoke1, '
      + 'cloud/helm-spoke2): give each an alias of its own, or terraform init fails with "Duplicate provider configuration"');
  });

  test('one alias given twice is named', () => {
    const stack = new TerraformStack(Testing.app(), 'cloud');
    new KubernetesProvider(stack, 'k1', { alias: 'spoke', configPath: '~/.kube/1' });
    new KubernetesProvider(stack, 'k2', { alias: 'spoke', configPath: '~/.kube/2' });
    expect(() => checkProviderAliases(stack)).toThrow('cloud/k2: alias is "spoke"; cloud/k1 has it too: give each kubernetes provider an alias of its own');
  });

  test('distinct aliases, one default, and providers of other stacks pass', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'cloud');
    new HelmProvider(stack, 'helm', { kubernetes: { configPath: '~/.kube/1' } });
    new HelmProvider(stack, 'helm-2', { alias: 'spoke2', kubernetes: { configPath: '~/.kube/2' } });
    const other = new TerraformStack(app, 'other');
    new HelmProvider(other, 'helm', { kubernetes: { configPath: '~/.kube/3' } });
    expect(() => checkProviderAliases(stack)).not.toThrow();
    expect(() => checkProviderAliases(other)).not.toThrow();
  });

  test('ClusterManifests applies the rule to its stack', () => {
    const stack = new TerraformStack(Testing.app(), 'cluster');
    const a = new KubernetesProvider(stack, 'k1', { configPath: '~/.kube/1' });
    new KubernetesProvider(stack, 'k2', { configPath: '~/.kube/2' });
    new ClusterManifests(stack, 'calico', { provider: a });
    expect(() => synth(stack)).toThrow('cluster/k2: alias is missing; cluster has 2 kubernetes providers without distinct aliases');
  });
});
