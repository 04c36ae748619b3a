import { IConstruct } from 'constructs';
import { TerraformProvider, TerraformStack } from 'cdktf';
import { ValidationError } from './errors';
import { checkAtSynth } from './synth-checks';
import { stackOf } from './guards';

/**
 * Two providers of one type in one stack need distinct aliases: without them the synth succeeds and
 * `terraform init` fails with "Duplicate provider configuration" (e.g. one helm provider per
 * cluster). Throws a ValidationError naming the second provider of a clash.
 */
export function checkProviderAliases(stack: TerraformStack): void {
  const seen = new Map<string, TerraformProvider[]>();
  for (const p of stack.node.findAll().filter(TerraformProvider.isTerraformProvider)) {
    // Only providers of this stack: a nested stack's providers are its own.
    if (TerraformStack.of(p) !== stack) continue;
    const type = p.terraformResourceType;
    const same = seen.get(type) ?? [];
    const clash = same.find((o) => o.alias === p.alias);
    if (clash && p.alias === undefined) {
      const unaliased = [...same.filter((o) => o.alias === undefined), p].map((o) => o.node.path);
      throw new ValidationError(p, 'alias', undefined, `${stack.node.path} has ${unaliased.length} ${type} providers without distinct aliases `
        + `(${unaliased.join(', ')}): give each an alias of its own, or terraform init fails with "Duplicate provider configuration"`);
    }
    if (clash) {
      throw new ValidationError(p, 'alias', p.alias, `${clash.node.path} has it too: give each ${type} provider an alias of its own`);
    }
    seen.set(type, [...same, p]);
  }
}

const registered = new WeakSet<TerraformStack>();

/** Checks at synth, once per stack, that the providers of `scope`'s stack have distinct aliases per type. */
export function requireDistinctProviderAliases(scope: IConstruct): void {
  const stack = stackOf(scope);
  // Outside a stack (e.g. manifests rendered only as YAML) there are no providers to clash.
  if (!stack || registered.has(stack)) return;
  registered.add(stack);
  checkAtSynth(stack, () => checkProviderAliases(stack));
}
