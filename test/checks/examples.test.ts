import { Aspects, TerraformStack, Testing } from 'cdktf';
import { SECURITY_CHECKS, SecurityChecks } from '../../lib/checks';
import { EXAMPLES, buildExamples } from '../../stacks/examples';
import { annotations } from './helpers';

function examples() {
  const app = Testing.app();
  buildExamples(app);
  return { app, stacks: app.node.findAll().filter(TerraformStack.isStack) };
}

describe('the example stacks under the security checks', () => {
  test('every example stack synthesizes with every check at level error', () => {
    const { app, stacks } = examples();
    expect(stacks.map((s) => s.node.id)).toEqual(EXAMPLES.map((e) => e.name));
    for (const stack of stacks) Aspects.of(stack).add(new SecurityChecks({ defaultLevel: 'error' }));
    for (const stack of stacks) expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(annotations(app, 'warning')).toEqual([]);
  });

  test('buildExamples runs the checks on every stack, and at their default levels they warn of nothing', () => {
    const { app, stacks } = examples();
    for (const stack of stacks) expect(Aspects.of(stack).all.filter((a) => a instanceof SecurityChecks)).toHaveLength(1);
    for (const stack of stacks) Testing.synth(stack, true);
    expect(annotations(app, 'warning')).toEqual([]);
  });

  test('the exemptions they carry, each with its reason (the README lists them)', () => {
    const { app } = examples();
    expect(SecurityChecks.exemptionsIn(app).map((e) => `${e.checkId} ${e.path}`)).toEqual([
      'EGRESS004 hub-spoke-egw/spoke1-aks',
      'EGRESS007 hub-spoke-egw-calico/calico/tenant1',
      'EGRESS003 aks-outbound-lb/aks-lb',
      'EGRESS004 aks-outbound-lb/aks-lb',
      'EGRESS003 aks-outbound-managed-nat/aks-natgateway',
      'EGRESS004 aks-outbound-managed-nat/aks-natgateway',
      'EGRESS003 aks-outbound-user-nat/vnet/natCluster',
      'EGRESS004 aks-outbound-user-nat/nat-cluster',
      'EGRESS004 hub-spoke-appgw/secureaks1',
    ]);
    for (const e of SecurityChecks.exemptionsIn(app)) expect(e.reason).toMatch(/^document 00[0-4] /);
  });

  test('every exemption silences a real finding: none is "left over from a design that changed"', () => {
    const { app } = examples();
    for (const e of SecurityChecks.exemptionsIn(app)) {
      const check = SECURITY_CHECKS.find((c) => c.id === e.checkId)!;
      const scope = app.node.findAll().find((n) => n.node.path === e.path)!;
      const findings = scope.node.findAll().flatMap((n) => check.inspect(n));
      expect([e.checkId, e.path, findings.length > 0]).toEqual([e.checkId, e.path, true]);
    }
  });
});
