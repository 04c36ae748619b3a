import { Construct, IConstruct } from 'constructs';
import { ITerraformDependable, TerraformProvider, TerraformResource, TerraformStack, Token } from 'cdktf';
import { ValidationError } from './errors';

/**
 * A minimal typed binding of the `hashicorp/time` provider: the provider and its `time_sleep`
 * resource, the real wait a grant needs before the resource that uses it (Azure role assignments
 * take up to several minutes to propagate). No provider package: the library declares it like any
 * provider (`required_providers`), one per stack, created on demand.
 *
 * https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/sleep
 */

/** The provider's registry source. */
export const TIME_PROVIDER_SOURCE = 'hashicorp/time';
/** The versions the binding is written against. */
export const TIME_PROVIDER_VERSION = '~> 0.13';

const GENERATOR = { providerName: 'time', providerVersionConstraint: TIME_PROVIDER_VERSION };
const PROVIDER_ID = 'time';

/** The `hashicorp/time` provider; it takes no configuration. Get the stack's one with {@link TimeProvider.of}. */
export class TimeProvider extends TerraformProvider {
  /** The stack's time provider, created the first time one is needed. */
  public static of(scope: IConstruct): TimeProvider {
    const stack = TerraformStack.of(scope);
    const found = stack.node.tryFindChild(PROVIDER_ID);
    if (found instanceof TimeProvider) return found;
    if (found) {
      throw new ValidationError(stack, 'children', PROVIDER_ID,
        `the id "${PROVIDER_ID}" at the stack's root is taken by another construct; the time provider needs it`);
    }
    return new TimeProvider(stack, PROVIDER_ID);
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: 'time',
      terraformGeneratorMetadata: GENERATOR,
      terraformProviderSource: TIME_PROVIDER_SOURCE,
    });
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {};
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return {};
  }
}

/** Props of {@link TimeSleep}. */
export interface TimeSleepConfig {
  /** How long to wait after creation, e.g. `60s` or `2m` (a Go duration). */
  readonly createDuration: string;
  /** Values whose change replaces the sleep, so it waits again (e.g. the grant's ID). @default - none */
  readonly triggers?: { readonly [key: string]: string };
  /** What to wait after: the sleep starts once these exist. */
  readonly dependsOn: ITerraformDependable[];
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** `time_sleep`: exists `createDuration` after everything it depends on exists. Depend on it to wait. */
export class TimeSleep extends TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'time_sleep';
  /** The wait on creation. */
  public readonly createDuration: string;
  /** The triggers. */
  public readonly triggers?: { readonly [key: string]: string };

  constructor(scope: Construct, id: string, config: TimeSleepConfig) {
    // The stack's one (default) time provider, created on demand: the resource needs no provider reference.
    TimeProvider.of(scope);
    super(scope, id, {
      terraformResourceType: TimeSleep.tfResourceType,
      terraformGeneratorMetadata: GENERATOR,
      dependsOn: config.dependsOn,
    });
    if (typeof config.createDuration !== 'string' || (!Token.isUnresolved(config.createDuration) && !DURATION.test(config.createDuration))) {
      throw new ValidationError(this, 'createDuration', config.createDuration, 'a duration such as "60s", "2m" or "1m30s"');
    }
    if (!Array.isArray(config.dependsOn) || config.dependsOn.length === 0) {
      throw new ValidationError(this, 'dependsOn', config.dependsOn, 'a sleep waits after something: name at least one resource');
    }
    this.createDuration = config.createDuration;
    this.triggers = config.triggers;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { create_duration: this.createDuration, triggers: this.triggers };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return {
      create_duration: { value: this.createDuration, isBlock: false, type: 'simple', storageClassType: 'string' },
      triggers: { value: this.triggers, isBlock: false, type: 'map', storageClassType: 'stringMap' },
    };
  }
}

/** How long a role assignment is given to propagate before what uses it is created. */
export const ROLE_PROPAGATION_WAIT = '60s';
