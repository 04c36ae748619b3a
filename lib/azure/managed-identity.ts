import { Construct } from 'constructs';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import type { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { ValidationError, checkAzureName, checkDns1123Label, checkDns1123Subdomain } from '../core';
import { knownValue, requireProps, warnUnchecked } from '../core/guards';
import { plainReference } from './references';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { BuiltInRole, IRolePrincipal, RoleAssignment, RoleAssignmentProps, RoleScope, grantRole } from './role-assignment';
import { untraced } from '../core/refs';

/** The audience Entra ID expects in tokens exchanged through a federated credential. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

/** The subject a Kubernetes service account's tokens carry: `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** Azure's rule for user-assigned identity names. */
export const AZURE_IDENTITY_NAME = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/,
  allowed: "an identity name is 3 to 128 letters, digits, '-' or '_', starting with a letter or digit",
};

/** Props of {@link ManagedIdentity}. */
export interface ManagedIdentityProps {
  readonly resourceGroup: IResourceGroup;
  /** 3 to 128 letters, digits, '-' or '_', starting with a letter or digit, e.g. `dzk8sappgw1-id`. */
  readonly name: string;
  /** @default - none */
  readonly tags?: Tags;
}

/** Options of {@link ManagedIdentity.trustServiceAccount}. */
export interface TrustServiceAccountOptions {
  /** The cluster's OIDC issuer URL (a reference, e.g. `cluster.oidcIssuerUrl`). */
  readonly issuer: string;
  /** The service account's namespace. */
  readonly namespace: string;
  /** The service account's name. */
  readonly serviceAccount: string;
  /** 3 to 120 letters, digits, '-' or '_', starting with a letter or digit. */
  readonly name: string;
}

/**
 * A user-assigned managed identity: a principal for role assignments, and, through federated
 * credentials, the Azure identity of Kubernetes service accounts (Microsoft Entra Workload ID).
 */
export class ManagedIdentity extends Construct implements IRolePrincipal {
  /** The identity's name in Azure. */
  public readonly name: string;
  /** The azurerm_user_assigned_identity resource (escape hatch). */
  public readonly resource: UserAssignedIdentity;
  /** The federated credentials, by name. */
  public readonly federatedCredentials: { [name: string]: FederatedIdentityCredential } = {};
  /** Always `ServicePrincipal`. */
  public readonly principalType = 'ServicePrincipal' as const;
  private readonly resourceGroupName: string;

  constructor(scope: Construct, id: string, props: ManagedIdentityProps) {
    super(scope, id);
    requireProps(this, 'ManagedIdentity', props, ['resourceGroup', 'name']);
    checkAzureName(this, 'name', props.name, AZURE_IDENTITY_NAME);
    this.name = props.name;
    this.resourceGroupName = props.resourceGroup.name;
    this.resource = untraced(() => new (require('@cdktf/provider-azurerm/lib/user-assigned-identity') as typeof import('@cdktf/provider-azurerm/lib/user-assigned-identity')).UserAssignedIdentity(this, 'identity', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      tags: azureTags(this, props.tags),
    }));
  }

  /** The identity's resource ID (a reference). */
  public get id(): string {
    return this.resource.id;
  }

  /** The object ID of its service principal (a reference): what role assignments name. */
  public get principalId(): string {
    return this.resource.principalId;
  }

  /** Its client ID (a reference): what workloads authenticate as. */
  public get clientId(): string {
    return this.resource.clientId;
  }

  /** Grants this identity `role` on `on`; see {@link RoleAssignment} for what is refused. */
  public grant(id: string, role: BuiltInRole, on: RoleScope,
    options: Pick<RoleAssignmentProps, 'description' | 'allowBroadScope' | 'allowPrivilegedRole'> = {}): RoleAssignment {
    return grantRole(this, id, this, role, on, options);
  }

  /**
   * Lets pods running as `namespace/serviceAccount` in the cluster whose OIDC issuer is `issuer`
   * authenticate as this identity, by a federated credential whose subject is
   * `system:serviceaccount:<namespace>:<serviceAccount>`.
   */
  public trustServiceAccount(options: TrustServiceAccountOptions): FederatedIdentityCredential {
    const at = `federatedCredentials[${options.name}]`;
    checkAzureName(this, `${at}.name`, options.name, {
      pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/,
      allowed: "a federated credential name is 3 to 120 letters, digits, '-' or '_', starting with a letter or digit",
    });
    if (this.federatedCredentials[options.name]) {
      throw new ValidationError(this, `${at}.name`, options.name, 'federated credential names must be unique on an identity');
    }
    checkDns1123Label(this, `${at}.namespace`, options.namespace);
    checkDns1123Subdomain(this, `${at}.serviceAccount`, options.serviceAccount);
    const ref = plainReference(options.issuer);
    if (!(ref?.type === 'azurerm_kubernetes_cluster' && ref.attribute === 'oidc_issuer_url')) {
      // Not a cluster's issuer URL: check the literal (or the one the app set behind the reference).
      const issuer = knownValue(this, options.issuer);
      if (issuer === undefined) {
        warnUnchecked(this, `${at}.issuer`, options.issuer, 'that it is an https:// URL');
      } else if (typeof issuer !== 'string' || !/^https:\/\/\S+$/.test(issuer)) {
        throw new ValidationError(this, `${at}.issuer`, options.issuer, 'an OIDC issuer is an https:// URL, e.g. the cluster\'s oidcIssuerUrl');
      }
    }
    const credential = untraced(() => new (require('@cdktf/provider-azurerm/lib/federated-identity-credential') as typeof import('@cdktf/provider-azurerm/lib/federated-identity-credential')).FederatedIdentityCredential(this, `federated-${options.name}`, {
      name: options.name,
      resourceGroupName: this.resourceGroupName,
      parentId: this.resource.id,
      audience: [WORKLOAD_IDENTITY_AUDIENCE],
      issuer: options.issuer,
      subject: serviceAccountSubject(options.namespace, options.serviceAccount),
    }));
    this.federatedCredentials[options.name] = credential;
    return credential;
  }
}
