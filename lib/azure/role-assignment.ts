import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { RoleAssignment as TfRoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ROLE_PROPAGATION_WAIT, TimeSleep, ValidationError } from '../core';
import { requireProps } from '../core/guards';

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
 */
export class RoleScope {
  /** One resource, e.g. an Application Gateway or a subnet: anything with an `id`. */
  public static resource(resource: { readonly id: string }, label?: string): RoleScope {
    return new RoleScope(resource.id, 'resource', label ?? (Token.isUnresolved(resource.id) ? 'a resource' : resource.id));
  }

  /** A resource group: an azurerm `ResourceGroup`, or any object with its ID and name. */
  public static resourceGroup(group: { readonly id: string; readonly name: string }): RoleScope {
    return new RoleScope(group.id, 'resourceGroup', `resource group ${group.name}`);
  }

  /** A whole subscription, by its ID (a GUID or a reference). Grants refuse it unless `allowBroadScope`. */
  public static subscription(subscriptionId: string): RoleScope {
    return new RoleScope(`/subscriptions/${subscriptionId}`, 'subscription', `subscription ${subscriptionId}`);
  }

  /** A management group, by its name. Grants refuse it unless `allowBroadScope`. */
  public static managementGroup(name: string): RoleScope {
    return new RoleScope(`/providers/Microsoft.Management/managementGroups/${name}`, 'managementGroup', `management group ${name}`);
  }

  /**
   * A scope from a literal Azure ID; its level is read from the ID. A reference cannot be read, so
   * it is refused here: use `resource(...)` or `resourceGroup(...)` with the object instead.
   */
  public static fromId(id: string): RoleScope {
    if (typeof id !== 'string' || Token.isUnresolved(id)) {
      throw new ValidationError('(role scope)', 'scope', id,
        'RoleScope.fromId needs a literal ID; for a reference use RoleScope.resource(x) or RoleScope.resourceGroup(rg), which know the level');
    }
    if (MANAGEMENT_GROUP_ID.test(id)) return new RoleScope(id, 'managementGroup', id);
    if (SUBSCRIPTION_ID.test(id)) return new RoleScope(id, 'subscription', id);
    if (GROUP_ID.test(id)) return new RoleScope(id, 'resourceGroup', id);
    if (RESOURCE_ID.test(id)) return new RoleScope(id, 'resource', id);
    throw new ValidationError('(role scope)', 'scope', id,
      'expected an Azure ID: /subscriptions/<id>[/resourceGroups/<name>[/providers/...]] or /providers/Microsoft.Management/managementGroups/<name>');
  }

  private constructor(
    /** The scope's Azure ID (may be a reference). */
    public readonly id: string,
    /** How wide it is. */
    public readonly level: RoleScopeLevel,
    /** How messages name it. */
    public readonly label: string,
  ) {}

  /** True for a subscription or management group. */
  public get isBroad(): boolean {
    return this.level === 'subscription' || this.level === 'managementGroup';
  }
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
    if (!BUILT_IN_ROLES.includes(props.role)) {
      throw new ValidationError(this, 'role', props.role, `expected a built-in role: ${BUILT_IN_ROLES.join(', ')}`);
    }
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
    const principalType = props.principal.principalType ?? 'ServicePrincipal';
    this.role = props.role;
    this.scope = props.scope;
    this.resource = new TfRoleAssignment(this, 'assignment', {
      scope: props.scope.id,
      roleDefinitionName: props.role,
      principalId: props.principal.principalId,
      principalType,
      skipServicePrincipalAadCheck: principalType === 'ServicePrincipal' ? true : undefined,
      description: props.description,
    });
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
