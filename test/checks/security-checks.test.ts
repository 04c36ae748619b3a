import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { AksOutbound } from '../../lib/azure';
import { CheckLevel, SECURITY_CHECKS, SecurityCheckFailure, SecurityCheckId, SecurityChecks } from '../../lib/checks';
import { azureStack, lineOf, synth } from '../helpers';
import { cluster, firewall, vnet } from '../azure/outbound-fixtures';
import { annotations, runChecks, validationErrorOf } from './helpers';

/** A firewall without diagnostics (EGRESS006) and a cluster in a VNet AKS manages with a public API server (EGRESS003, EGRESS004). */
const scenario = (app: App) => {
  const stack = azureStack(app);
  firewall(stack, vnet(stack), { diagnostics: false });
  return cluster(stack, AksOutbound.loadBalancer());
};

describe('SecurityChecks', () => {
  test('has seven checks with stable IDs, names, default levels and documentation', () => {
    expect(SECURITY_CHECKS.map((c) => [c.id, c.name, c.defaultLevel])).toEqual([
      ['EGRESS001', 'threat-intel-off', 'error'],
      ['EGRESS002', 'allow-any-any-any', 'error'],
      ['EGRESS003', 'default-route-bypasses-firewall', 'error'],
      ['EGRESS004', 'api-server-open', 'error'],
      ['EGRESS005', 'pod-pool-bgp-export', 'error'],
      ['EGRESS006', 'firewall-without-logs', 'warning'],
      ['EGRESS007', 'tenant-without-firewall-rule', 'warning'],
    ]);
    expect(SecurityChecks.CHECKS).toBe(SECURITY_CHECKS);
    for (const c of SECURITY_CHECKS) expect(c.description.length).toBeGreaterThan(200);
  });

  test('at the default levels, security-critical checks fail the synth, every finding at once', () => {
    const error = validationErrorOf(() => runChecks(scenario, {}));
    expect(error).toBeInstanceOf(SecurityCheckFailure);
    const findings = (error as SecurityCheckFailure).findings.map((f) => f.message);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatch(/^test\/aks: defaultNodePool\.subnet is missing; .*\(security check EGRESS003 default-route-bypasses-firewall\)$/);
    expect(findings[1]).toMatch(/^test\/aks: apiServerAuthorizedIpRanges is missing; .*\(security check EGRESS004 api-server-open\)$/);
    expect(error.message).toBe([
      '2 security check findings at level error; fix each, or exempt it with SecurityChecks.exempt(construct, checkId, reason)',
      'stack test:',
      `  ${findings[0]}`,
      `  ${findings[1]}`,
    ].join('\n'));
  });

  test('at the default levels, a firewall without logs is a warning', () => {
    const app = runChecks((a) => {
      const stack = azureStack(a);
      return firewall(stack, vnet(stack), { diagnostics: false });
    }, {});
    expect(annotations(app, 'warning')).toEqual([expect.stringMatching(/^test\/fw: diagnostics is false; .*EGRESS006 firewall-without-logs\)$/)]);
  });

  test('levels override the defaults, check by check and for all at once', () => {
    const levels = (props: ConstructorParameters<typeof SecurityChecks>[0]) => {
      const checks = new SecurityChecks(props);
      return SECURITY_CHECKS.map((c) => checks.levelOf(c.id));
    };
    expect(levels({})).toEqual(['error', 'error', 'error', 'error', 'error', 'warning', 'warning']);
    expect(levels({ defaultLevel: 'warning', levels: { EGRESS002: 'off' } })).toEqual(['warning', 'off', 'warning', 'warning', 'warning', 'warning', 'warning']);
    expect(levels({ levels: { EGRESS007: 'error' } })).toEqual(['error', 'error', 'error', 'error', 'error', 'warning', 'error']);
  });

  test('every finding of every check at level warning: one annotation per finding, each on its construct', () => {
    const app = runChecks(scenario, { defaultLevel: 'warning' });
    const byPath = app.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => `${n.node.path} ${String(m.data).split(';')[0]}`));
    expect(byPath).toEqual([
      'test/fw test/fw: diagnostics is false',
      'test/aks test/aks: defaultNodePool.subnet is missing',
      'test/aks test/aks: apiServerAuthorizedIpRanges is missing',
    ]);
  });

  test('warnings carry no stack trace, so synthesized output is the same on every machine', () => {
    const app = runChecks(scenario, { defaultLevel: 'warning' });
    const entries = app.node.findAll().flatMap((n) => n.node.metadata.filter((m) => m.type === '@cdktf/warn'));
    expect(entries).toHaveLength(3);
    for (const e of entries) expect(e.trace).toBeUndefined();
  });

  test('rejects an unknown check ID or level', () => {
    expect(validationErrorOf(() => new SecurityChecks({ levels: { EGRESS999: 'error' } as unknown as { [id in SecurityCheckId]?: CheckLevel } })).message) // id
      .toBe(`new SecurityChecks() at ${lineOf(__filename, 'id')}: levels is "EGRESS999"; the security checks are EGRESS001, EGRESS002, EGRESS003, EGRESS004, EGRESS005, EGRESS006, EGRESS007`);
    expect(validationErrorOf(() => new SecurityChecks({ levels: { EGRESS001: 'fatal' as CheckLevel } })).message) // level
      .toBe(`new SecurityChecks() at ${lineOf(__filename, 'level')}: levels.EGRESS001 is "fatal"; a level is allowed: "error", "warning", "off"`);
    expect(validationErrorOf(() => new SecurityChecks({ defaultLevel: 'loud' as CheckLevel })).message) // default
      .toBe(`new SecurityChecks() at ${lineOf(__filename, 'default')}: defaultLevel is "loud"; a level is allowed: "error", "warning", "off"`);
  });

  describe('exemptions', () => {
    test('an exemption on a scope covers the constructs inside it, for that check only', () => {
      const app = runChecks((a) => {
        const aks = scenario(a);
        SecurityChecks.exempt(aks.node.scope!, 'EGRESS003', 'the whole stack shows an outbound type without a firewall');
        return aks;
      }, { defaultLevel: 'warning' });
      expect(annotations(app, 'warning').map((w) => w.split(';')[0])).toEqual([
        'test/fw: diagnostics is false',
        'test/aks: apiServerAuthorizedIpRanges is missing',
      ]);
      expect(annotations(app, 'info')).toEqual(['EGRESS003 exempted: the whole stack shows an outbound type without a firewall']);
    });

    test('are listed with the construct they are on', () => {
      const app = Testing.app();
      const aks = scenario(app);
      SecurityChecks.exempt(aks, 'EGRESS004', 'administered from anywhere during the demo');
      expect(SecurityChecks.exemptionsIn(aks)).toEqual([{ path: 'test/aks', checkId: 'EGRESS004', reason: 'administered from anywhere during the demo' }]);
    });

    test('are shown in the synthesized manifest as info, without a stack trace', () => {
      const stack = new TerraformStack(Testing.app(), 'plain');
      SecurityChecks.exempt(stack, 'EGRESS006', 'no firewall in this stack, exempted to show the annotation');
      synth(stack);
      expect(stack.node.metadata).toEqual([{ type: '@cdktf/info', data: 'EGRESS006 exempted: no firewall in this stack, exempted to show the annotation' }]);
    });

    test('need a known check, a reason and one exemption per check', () => {
      const aks = scenario(Testing.app());
      expect(validationErrorOf(() => SecurityChecks.exempt(aks, 'EGRESS000' as SecurityCheckId, 'not a check at all')).message)
        .toBe('test/aks: exemption is "EGRESS000"; the security checks are EGRESS001, EGRESS002, EGRESS003, EGRESS004, EGRESS005, EGRESS006, EGRESS007');
      expect(validationErrorOf(() => SecurityChecks.exempt(aks, 'EGRESS004', 'tbd')).message)
        .toBe('test/aks: exemption EGRESS004: reason is "tbd"; an exemption needs a reason of at least 10 characters (not counting spaces at either end): a sentence saying why the construct may break the check, which reviewers can judge');
      SecurityChecks.exempt(aks, 'EGRESS004', 'administered from anywhere during the demo');
      expect(validationErrorOf(() => SecurityChecks.exempt(aks, 'EGRESS004', 'a second reason for the same check')).message)
        .toBe('test/aks: exemption is "EGRESS004"; the construct is already exempt from it; give one reason');
    });
  });

  test('added to the App, it checks every stack and reports every finding of the synth at once, grouped by stack', () => {
    const app = Testing.app();
    scenario(app);
    const other = azureStack(app, 'other');
    cluster(other, AksOutbound.loadBalancer());
    Aspects.of(app).add(new SecurityChecks({ defaultLevel: 'off', levels: { EGRESS003: 'error' } }));
    const error = validationErrorOf(() => synth(app.node.findChild('test') as TerraformStack));
    expect(error.message.split('\n').map((l) => l.replace(/ is missing; .*/, ' ...'))).toEqual([
      '2 security check findings at level error; fix each, or exempt it with SecurityChecks.exempt(construct, checkId, reason)',
      'stack test:',
      '  test/aks: defaultNodePool.subnet ...',
      'stack other:',
      '  other/aks: defaultNodePool.subnet ...',
    ]);
  });

  test('added to the App, app.synth() fails on it too', () => {
    const app = Testing.app();
    scenario(app);
    Aspects.of(app).add(new SecurityChecks({ defaultLevel: 'off', levels: { EGRESS004: 'error' } }));
    expect(() => app.synth()).toThrow(/^test\/aks: apiServerAuthorizedIpRanges is missing; .*\(security check EGRESS004 api-server-open\)$/);
  });

  test('on a stack, it reports the findings of that stack', () => {
    const app = Testing.app();
    scenario(app);
    Aspects.of(app.node.findChild('test')).add(new SecurityChecks({ defaultLevel: 'off', levels: { EGRESS003: 'error' } }));
    expect(() => synth(app.node.findChild('test') as TerraformStack)).toThrow(/^test\/aks: defaultNodePool\.subnet is missing; .*EGRESS003/);
  });
});
