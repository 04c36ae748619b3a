import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { RoleAssignment as TfRoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { relative, sep } from 'path';
import { ErrorSite, ROLE_PROPAGATION_WAIT, TimeSleep, ValidationError, formatValue } from '../core';
import { checkEnum, requireProps } from '../core/guards';
import { untraced } from '../core/refs';

/**
 * Azure built-in roles the library grants, by the name Azure gives them
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
 */
export type BuiltInRole =
  | 'Reader'
  | 'Contributor'
  | 'Network Contributor'
  | 'Virtual Machine Contributor'
  | 'Managed Identity Operator'
  | 'Monitoring Metrics Publisher'
  | 'Monitoring Reader'
  | 'Log Analytics Reader'
  | 'AcrPull'
  | 'Key Vault Secrets User'
  | 'Key Vault Certificate User'
  | 'Storage Blob Data Reader'
  | 'Owner'
  | 'User Access Administrator'
  | 'Role Based Access Control Administrator';

/** Every {@link BuiltInRole}, for checks on values that did not come through the type checker. */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  'Reader', 'Contributor', 'Network Contributor', 'Virtual Machine Contributor', 'Managed Identity Operator',
  'Monitoring Metrics Publisher', 'Monitoring Reader', 'Log Analytics Reader', 'AcrPull', 'Key Vault Secrets User',
  'Key Vault Certificate User', 'Storage Blob Data Reader', 'Owner', 'User Access Administrator',
  'Role Based Access Control Administrator',
];

/** Roles that can grant access to others; refused unless a grant opts in with `allowPrivilegedRole`. */
export const PRIVILEGED_ROLES: readonly BuiltInRole[] = ['Owner', 'User Access Administrator', 'Role Based Access Control Administrator'];

/** How wide a scope is, narrowest first. */
export type RoleScopeLevel = 'resource' | 'resourceGroup' | 'subscription' | 'managementGroup';

const SUBSCRIPTION_ID = /^\/subscriptions\/[^/]+$/i;
const GROUP_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i;
const MANAGEMENT_GROUP_ID = /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i;
const RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/.+$/i;

/**
 * Where a role applies. Built from the object the role is about (`RoleScope.resource(gateway)`,
 * `RoleScope.resourceGroup(rg)`), so the level is known even when the ID is a reference; the wide
 * levels have factories of their own and a grant refuses them unless it opts in.
 *
 * A scope is a value with no construct path of its own, so a wrong one is not refused where it is
 * declared: the grant that uses it refuses it, and the message names the grant's construct path, how
 * the scope was declared (`RoleScope.fromId("...")`) and where (file and line of the call).
 */
export class RoleScope {
  /** One resource, e.g. an Application Gateway or a subnet: anything with an `id`. */
  public static resource(resource: { readonly id: string }, label?: string): RoleScope {
    const id = (resource as { id?: unknown } | undefined | null)?.id;
    if (typeof id !== 'string') {
      return RoleScope.invalid(resource, `RoleScope.resource(${formatValue(resource)})`,
        'RoleScope.resource takes the resource the role is about: any object with its id, e.g. a subnet or an Application Gateway');
    }
    return new RoleScope(id, 'resource', label ?? (Token.isUnresolved(id) ? 'a resource' : id));
  }

  /** A resource group: an azurerm `ResourceGroup`, or any object with its ID and name. */
  public static resourceGroup(group: { readonly id: string; readonly name: string }): RoleScope {
    const g = group as { id?: unknown; name?: unknown } | undefined | null;
    if (typeof g?.id !== 'string' || typeof g?.name !== 'string') {
      return RoleScope.invalid(group, `RoleScope.resourceGroup(${formatValue(group)})`,
        'RoleScope.resourceGroup takes a resource group: an azurerm ResourceGroup, or any object with its id and name');
    }
    return new RoleScope(g.id, 'resourceGroup', `resource group ${g.name}`);
  }

  /** A whole subscription, by its ID (a GUID or a reference). Grants refuse it unless `allowBroadScope`. */
  public static subscription(subscriptionId: string): RoleScope {
    if (typeof subscriptionId !== 'string' || (!Token.isUnresolved(subscriptionId) && !/^[^/\s]+$/.test(subscriptionId))) {
      return RoleScope.invalid(subscriptionId, `RoleScope.subscription(${formatValue(subscriptionId)})`,
        'a subscription ID is one path segment, e.g. "00000000-0000-0000-0000-000000000000", without "/subscriptions/"');
    }
    return new RoleScope(`/subscriptions/${subscriptionId}`, 'subscription', `subscription ${subscriptionId}`);
  }

  /** A management group, by its name. Grants refuse it unless `allowBroadScope`. */
  public static managementGroup(name: string): RoleScope {
    if (typeof name !== 'string' || (!Token.isUnresolved(name) && !/^[^/\s]+$/.test(name))) {
      return RoleScope.invalid(name, `RoleScope.managementGroup(${formatValue(name)})`,
        'a management group is named by its ID, one path segment such as "corp"');
    }
    return new RoleScope(`/providers/Microsoft.Management/managementGroups/${name}`, 'managementGroup', `management group ${name}`);
  }

  /**
   * A scope from a literal Azure ID; its level is read from the ID. A reference cannot be read, so
   * it is refused (by the grant that uses it): use `resource(...)` or `resourceGroup(...)` with the object instead.
   */
  public static fromId(id: string): RoleScope {
    const declared = `RoleScope.fromId(${formatValue(id)})`;
    if (typeof id !== 'string' || Token.isUnresolved(id)) {
      return RoleScope.invalid(id, declared,
        'RoleScope.fromId needs a literal ID; for a reference use RoleScope.resource(x) or RoleScope.resourceGroup(rg), which know the level');
    }
    if (MANAGEMENT_GROUP_ID.test(id)) return new RoleScope(id, 'managementGroup', id);
    if (SUBSCRIPTION_ID.test(id)) return new RoleScope(id, 'subscription', id);
    if (GROUP_ID.test(id)) return new RoleScope(id, 'resourceGroup', id);
    if (RESOURCE_ID.test(id)) return new RoleScope(id, 'resource', id);
    return RoleScope.invalid(id, declared,
      'expected an Azure ID: /subscriptions/<id>[/resourceGroups/<name>[/providers/...]] or /providers/Microsoft.Management/managementGroups/<name>');
  }

  /** True when `x` is a RoleScope (a JavaScript caller may pass anything). */
  public static isRoleScope(x: unknown): x is RoleScope {
    return x instanceof RoleScope;
  }

  // A scope declared wrong: kept until a grant uses it, which refuses it with its own construct path.
  private static invalid(value: unknown, declaredAs: string, allowed: string): RoleScope {
    return new RoleScope('', 'resource', declaredAs, { value, allowed, declaredAs, declaredAt: callerOutsideThisFile() });
  }

  private readonly _level: RoleScopeLevel;

  private constructor(
    /** The scope's Azure ID (may be a reference). */
    public readonly id: string,
    level: RoleScopeLevel,
    /** How messages name it. */
    public readonly label: string,
    private readonly problem?: { readonly value: unknown; readonly allowed: string; readonly declaredAs: string; readonly declaredAt?: string },
  ) {
    this._level = level;
  }

  /** How wide it is. A scope declared wrong throws here (with no construct path: a grant using it says where). */
  public get level(): RoleScopeLevel {
    this.check('(role scope)', 'scope');
    return this._level;
  }

  /** True for a subscription or management group. */
  public get isBroad(): boolean {
    return this.level === 'subscription' || this.level === 'managementGroup';
  }

  /**
   * Throws a ValidationError at `site` (the construct that uses the scope) when the scope was declared
   * wrong, naming the field, the value, how the scope was declared and where.
   */
  public check(site: ErrorSite, field: string): void {
    const p = this.problem;
    if (!p) return;
    const where = p.declaredAt ? ` at ${p.declaredAt}` : '';
    throw new ValidationError(site, field, p.value, `${p.allowed} (declared as ${p.declaredAs}${where})`);
  }
}

/** `file:line` of the first caller outside this file: where a value object was declared. */
function callerOutsideThisFile(): string | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    const m = /(?:\(|^)((?:[A-Za-z]:)?[^():]+):(\d+):\d+\)?$/.exec(frame.trim().replace(/^at\s+/, ''));
    if (!m || m[1] === __filename || m[1].startsWith('node:') || m[1].includes('node_modules')) continue;
    return `${relative(process.cwd(), m[1]).split(sep).join('/')}:${m[2]}`;
  }
  return undefined;
}

/** Who receives a role: a managed identity, a cluster's identity, a service principal, a user or a group. */
export interface IRolePrincipal {
  /** The principal's object ID (a reference for identities created in the same stack). */
  readonly principalId: string;
  /**
   * Managed identities and service principals are `ServicePrincipal`; with it, Terraform skips the
   * Entra ID lookup that fails while a new identity replicates.
   * @default 'ServicePrincipal'
   */
  readonly principalType?: 'ServicePrincipal' | 'User' | 'Group';
}

/** Props of {@link RoleAssignment}. */
export interface RoleAssignmentProps {
  /** Who gets the role. */
  readonly principal: IRolePrincipal;
  /** A built-in role, by name. */
  readonly role: BuiltInRole;
  /** Where the role applies: as narrow as the principal's work allows. */
  readonly scope: RoleScope;
  /** Why the principal needs it, kept on the assignment in Azure. @default - none */
  readonly description?: string;
  /** Accept a subscription or management group scope. @default false */
  readonly allowBroadScope?: boolean;
  /** Accept a role that can grant access to others (Owner, User Access Administrator, RBAC Administrator). @default false */
  readonly allowPrivilegedRole?: boolean;
}

/**
 * One role for one principal on one scope. Least privilege is the default: the scope is an explicit
 * object, subscription and management group scopes are refused unless `allowBroadScope`, and roles
 * that can hand out access are refused unless `allowPrivilegedRole`.
 */
export class RoleAssignment extends Construct {
  /** The role granted. */
  public readonly role: BuiltInRole;
  /** Where it applies. */
  public readonly scope: RoleScope;
  /** The azurerm_role_assignment resource (escape hatch). */
  public readonly resource: TfRoleAssignment;
  private _propagated?: TimeSleep;

  constructor(scope: Construct, id: string, props: RoleAssignmentProps) {
    super(scope, id);
    requireProps(this, 'RoleAssignment', props, ['principal', 'role', 'scope']);
    checkEnum(this, 'role', props.role, BUILT_IN_ROLES, { what: 'a built-in role' });
    if (RoleScope.isRoleScope(props.scope)) props.scope.check(this, 'scope');
    const levels: readonly RoleScopeLevel[] = ['resource', 'resourceGroup', 'subscription', 'managementGroup'];
    if (!props.scope || typeof props.scope.id !== 'string' || !levels.includes(props.scope.level)) {
      throw new ValidationError(this, 'scope', props.scope,
        'expected a RoleScope, e.g. RoleScope.resource(gateway) or RoleScope.resourceGroup(rg)');
    }
    const broad = props.scope.level === 'subscription' || props.scope.level === 'managementGroup';
    if (broad && !props.allowBroadScope) {
      throw new ValidationError(this, 'scope', props.scope.label,
        `granting ${props.role} on a whole ${props.scope.level === 'subscription' ? 'subscription' : 'management group'} ` +
        'is refused by default; scope it to the resource or resource group the principal works on, or set allowBroadScope');
    }
    if (PRIVILEGED_ROLES.includes(props.role) && !props.allowPrivilegedRole) {
      throw new ValidationError(this, 'role', props.role,
        'this role lets its holder grant access to others; use a narrower role, or set allowPrivilegedRole');
    }
    const principalType = checkEnum(this, 'principal.principalType', props.principal.principalType ?? 'ServicePrincipal',
      ['ServicePrincipal', 'User', 'Group'] as const, { what: 'a principal type' });
    this.role = props.role;
    this.scope = props.scope;
    this.resource = untraced(() => new TfRoleAssignment(this, 'assignment', {
      scope: props.scope.id,
      roleDefinitionName: props.role,
      principalId: props.principal.principalId,
      principalType,
      skipServicePrincipalAadCheck: principalType === 'ServicePrincipal' ? true : undefined,
      description: props.description,
    }));
  }

  /**
   * A `time_sleep` of {@link ROLE_PROPAGATION_WAIT} after the assignment (created on first use, one per
   * assignment, replaced when the assignment is): what a resource that needs the role at its creation
   * depends on. Azure takes up to minutes to propagate a new assignment; the Azure CLI waits too.
   */
  public get propagated(): TimeSleep {
    this._propagated ??= new TimeSleep(this, 'propagation', {
      createDuration: ROLE_PROPAGATION_WAIT,
      triggers: { role_assignment_id: this.resource.id },
      dependsOn: [this.resource],
    });
    return this._propagated;
  }
}

/** Grants `principal` the `role` on `on`: a one-line {@link RoleAssignment}. */
export function grantRole(
  scope: Construct, id: string, principal: IRolePrincipal, role: BuiltInRole, on: RoleScope,
  options: Pick<RoleAssignmentProps, 'description' | 'allowBroadScope' | 'allowPrivilegedRole'> = {},
): RoleAssignment {
  return new RoleAssignment(scope, id, { principal, role, scope: on, ...options });
}
