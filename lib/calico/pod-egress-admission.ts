import { Construct } from 'constructs';
import { ValidationError, checkDns1123Label, checkDns1123Subdomain, checkList } from '../core';
import { EGRESS_ANNOTATIONS, KubernetesObject } from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';
import { EgressTenant, checkTenant, tenantField } from './egress-tenant';

/** The prefix of Calico's egress gateway annotations. */
export const EGRESS_ANNOTATION_PREFIX = 'egress.projectcalico.org/';

/** The egress annotations a pod may carry where a tenant allows it (an EgressGatewayPolicy name may route through any tenant). */
export const POD_EGRESS_ANNOTATIONS: readonly string[] = [
  EGRESS_ANNOTATIONS.namespaceSelector, EGRESS_ANNOTATIONS.selector, EGRESS_ANNOTATIONS.maxNextHops,
];

/** `apiVersion` of ValidatingAdmissionPolicy and its binding (GA in Kubernetes 1.30). */
export const ADMISSION_API_VERSION = 'admissionregistration.k8s.io/v1';

/** Where pods may choose a tenant's gateways by annotation. */
export interface PodEgressGrant {
  /** The tenant whose gateways the pods may choose. */
  readonly tenant: EgressTenant;
  /** Namespaces whose pods may choose them, e.g. `['default']`. */
  readonly namespaces: readonly string[];
}

/** Props of {@link PodEgressAdmission}. */
export interface PodEgressAdmissionProps {
  /** Where pods may choose which tenant; `[]` refuses every egress annotation on pods. */
  readonly grants: readonly PodEgressGrant[];
  /** Name of the ValidatingAdmissionPolicy and of its binding. @default 'egress-gateway-pod-annotations' */
  readonly name?: string;
}

/**
 * Admission control for per-pod egress selection (`egressIPSupport: EnabledPerNamespaceOrPerPod`): a
 * ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1, Kubernetes 1.30 and later)
 * that refuse a pod carrying `egress.projectcalico.org/*` annotations unless its namespace is granted
 * the tenant its `namespaceSelector` annotation names. Without it any pod author could pick a tenant's
 * gateways and take the source range the firewall trusts. Pods may not name an EgressGatewayPolicy
 * (it can route through any tenant); namespaces may.
 */
export class PodEgressAdmission extends Construct {
  /** The ValidatingAdmissionPolicy object. */
  public readonly policy: ManifestEntry;
  /** The ValidatingAdmissionPolicyBinding object. */
  public readonly binding: ManifestEntry;

  constructor(scope: Construct, id: string, props: PodEgressAdmissionProps) {
    super(scope, id);
    const name = props.name ?? 'egress-gateway-pod-annotations';
    checkDns1123Subdomain(this, 'name', name);
    if (!Array.isArray(props.grants as unknown)) {
      throw new ValidationError(this, 'grants', props.grants, 'a list of { tenant, namespaces }; [] refuses every egress annotation on pods');
    }
    // Namespaces granted, per tenant selector, in declaration order.
    const bySelector = new Map<string, string[]>();
    props.grants.forEach((g, i) => {
      if (g === null || typeof g !== 'object') {
        throw new ValidationError(this, `grants[${i}]`, g, 'a grant is { tenant, namespaces }');
      }
      const tenant = checkTenant(this, `grants[${i}].tenant`, g.tenant);
      checkList(this, `grants[${i}].namespaces`, g.namespaces, 'a list of namespace names');
      if (g.namespaces.length === 0) {
        throw new ValidationError(this, tenantField(`grants[${i}].namespaces`, tenant), [], `name the namespaces whose pods may choose tenant ${tenant.name}`);
      }
      g.namespaces.forEach((ns, j) => checkDns1123Label(this, `grants[${i}].namespaces[${j}]`, ns));
      const list = bySelector.get(g.tenant.namespaceSelector) ?? [];
      for (const ns of g.namespaces) if (!list.includes(ns)) list.push(ns);
      bySelector.set(g.tenant.namespaceSelector, list);
    });
    const annotations = 'object.metadata.annotations';
    const egressKeys = `${annotations}.exists(k, k.startsWith(${cel(EGRESS_ANNOTATION_PREFIX)}))`;
    const allowed = [...bySelector.entries()].map(([selector, namespaces]) =>
      `(request.namespace in ${celList(namespaces)} && ${cel(EGRESS_ANNOTATIONS.namespaceSelector)} in ${annotations}`
      + ` && ${annotations}[${cel(EGRESS_ANNOTATIONS.namespaceSelector)}] == ${cel(selector)})`);
    const granted = [...new Set([...bySelector.values()].flat())];
    const policy: KubernetesObject & { spec: unknown } = {
      apiVersion: ADMISSION_API_VERSION,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
        },
        validations: [
          {
            expression: `!has(${annotations}) || ${annotations}.all(k, !k.startsWith(${cel(EGRESS_ANNOTATION_PREFIX)}) || k in ${celList(POD_EGRESS_ANNOTATIONS)})`,
            message: `pods may carry only these egress annotations: ${POD_EGRESS_ANNOTATIONS.join(', ')}; an EgressGatewayPolicy is chosen per namespace`,
          },
          {
            expression: `!has(${annotations}) || !${egressKeys} || ${allowed.length > 0 ? allowed.join(' || ') : 'false'}`,
            message: granted.length > 0
              ? `pods choose egress gateways by annotation only in namespaces granted the tenant their namespaceSelector names (${granted.join(', ')})`
              : 'no namespace is granted egress gateways by pod annotation; annotate the namespace instead',
          },
        ],
      },
    };
    const manifests = ClusterManifests.of(this);
    this.policy = manifests.add(this, 'policy', policy);
    const binding: KubernetesObject & { spec: unknown } = {
      apiVersion: ADMISSION_API_VERSION,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'] },
    };
    this.binding = manifests.add(this, 'binding', binding, { dependsOn: [this.policy] });
  }
}

/** A CEL string literal (CEL's double-quoted strings take JSON's escapes). */
function cel(value: string): string {
  return JSON.stringify(value);
}

function celList(values: readonly string[]): string {
  return `[${values.map(cel).join(', ')}]`;
}
