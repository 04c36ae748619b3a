import { readFileSync } from 'fs';
import { join } from 'path';
import { Aspects, Testing } from 'cdktf';
import { SecurityChecks } from '../../lib/checks';
import { hubThreeSpokes } from '../../stacks/hub-three-spokes';
import { resources, synth } from '../helpers';

describe('hub-three-spokes example', () => {
  test('its app function is at most 40 lines of code', () => {
    const text = readFileSync(join(__dirname, '../../stacks/hub-three-spokes.ts'), 'utf8');
    const body = text.slice(text.indexOf('export function hubThreeSpokes'));
    const lines = body.split('\n').filter((l) => l.trim() !== '' && !/^\s*(\/\/|\/\*|\*)/.test(l));
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines.length).toBe(23);
  });

  test('allots priorities and sources each tenant rule from its range', () => {
    const json = synth(hubThreeSpokes(Testing.app()));
    const groups = resources(json, 'azurerm_firewall_policy_rule_collection_group');
    expect(groups.map((g) => [g.name, g.priority]).sort((a, b) => a[1] - b[1])).toEqual([
      ['p-hub-fw-policy-network', 200], ['p-hub-fw-policy-application', 300],
      ['p-spoke1-apiserver', 400], ['p-spoke2-apiserver', 410], ['p-spoke3-apiserver', 420]]);
    const app = groups.flatMap((g) => g.application_rule_collection ?? []);
    expect(app.map((c: any) => [c.name, c.priority, c.rule[0].source_addresses])).toEqual([
      ['p-spoke1-aks-app', 100, ['10.61.0.0/22']], ['p-spoke1-a1', 110, ['10.98.1.0/29']], ['p-spoke1-b1', 120, ['10.98.1.8/29']],
      ['p-spoke2-aks-app', 130, ['10.62.0.0/22']], ['p-spoke2-a2', 140, ['10.98.2.0/29']], ['p-spoke2-b2', 150, ['10.98.2.8/29']],
      ['p-spoke3-aks-app', 160, ['10.63.0.0/22']], ['p-spoke3-a3', 170, ['10.98.3.0/29']], ['p-spoke3-b3', 180, ['10.98.3.8/29']],
    ]);
    const net = groups.flatMap((g) => g.network_rule_collection ?? []).map((c: any) => [c.name, c.priority]);
    expect(net.sort((a: any, b: any) => a[1] - b[1])).toEqual([
      ['p-spoke1-aks-net', 100], ['p-spoke1-apiserver', 110], ['p-spoke2-aks-net', 120], ['p-spoke2-apiserver', 130],
      ['p-spoke3-aks-net', 140], ['p-spoke3-apiserver', 150]]);
  });

  test('passes every security check at level error', () => {
    const stack = hubThreeSpokes(Testing.app());
    Aspects.of(stack).add(new SecurityChecks({ defaultLevel: 'error' }));
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('two synths are byte-identical', () => {
    expect(Testing.synth(hubThreeSpokes(Testing.app()))).toBe(Testing.synth(hubThreeSpokes(Testing.app())));
  });
});
