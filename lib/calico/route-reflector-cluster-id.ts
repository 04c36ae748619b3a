import { Construct } from 'constructs';
import { ValidationError, checkDns1123Label, checkLabels, checkString, isIpAddress } from '../core';
import { KubernetesObject } from './api';
import { ClusterManifests, ManifestEntry } from './cluster-manifests';

/** The Kubernetes node annotation Calico reads as the node's `spec.bgp.routeReflectorClusterID` (Kubernetes datastore). */
export const ROUTE_REFLECTOR_CLUSTER_ID_ANNOTATION = 'projectcalico.org/RouteReflectorClusterID';

/** The kubectl image that annotates the nodes (registry.k8s.io, pinned; it has no shell). */
export const DEFAULT_KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.34.0';

/** The image that keeps each DaemonSet pod running once its node is annotated. */
export const DEFAULT_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** Props of {@link RouteReflectorClusterId}. */
export interface RouteReflectorClusterIdProps {
  /** The node labels of the route reflectors, e.g. the route reflector pool's `nodeLabels`. */
  readonly nodeLabels: { readonly [key: string]: string };
  /** The route reflector cluster ID: an IPv4 address, the same on every route reflector. @default '244.0.0.1' */
  readonly clusterId?: string;
  /** Name of the ServiceAccount, ClusterRole, ClusterRoleBinding and DaemonSet. @default 'calico-route-reflector-id' */
  readonly name?: string;
  /** Namespace of the ServiceAccount and DaemonSet. @default 'kube-system' */
  readonly namespace?: string;
  /** A pinned kubectl image (no `latest`). @default 'registry.k8s.io/kubectl:v1.34.0' */
  readonly kubectlImage?: string;
  /** A pinned pause image. @default 'registry.k8s.io/pause:3.10' */
  readonly pauseImage?: string;
}

/**
 * Gives every route reflector node Calico's route reflector cluster ID, without which a node selected
 * as a route reflector does not reflect. With the Kubernetes datastore the ID is the node annotation
 * `projectcalico.org/RouteReflectorClusterID`; AKS node pools set labels and taints but not annotations,
 * and node names are unknown at synth (and change on repair, upgrade and scale). So a DaemonSet on the
 * labelled nodes annotates its own node (`NODE_NAME` from the downward API) in an init container, then
 * idles: every new route reflector node gets the ID when its pod starts. RBAC: get and patch nodes only.
 */
export class RouteReflectorClusterId extends Construct {
  /** The cluster ID. */
  public readonly clusterId: string;
  /** ServiceAccount, ClusterRole, ClusterRoleBinding and DaemonSet, in that order. */
  public readonly objects: readonly ManifestEntry[];

  constructor(scope: Construct, id: string, props: RouteReflectorClusterIdProps) {
    super(scope, id);
    const manifests = ClusterManifests.of(this);
    if (props === null || typeof props !== 'object') throw new ValidationError(this, 'props', props, 'expected { nodeLabels, clusterId? }');
    const name = props.name ?? 'calico-route-reflector-id';
    checkDns1123Label(this, 'name', name);
    const namespace = props.namespace ?? 'kube-system';
    checkDns1123Label(this, 'namespace', namespace);
    if (props.nodeLabels === undefined || Object.keys(props.nodeLabels).length === 0) {
      throw new ValidationError(this, 'nodeLabels', props.nodeLabels, 'the labels of the route reflector nodes, e.g. { \'route-reflector\': \'true\' }');
    }
    checkLabels(this, 'nodeLabels', props.nodeLabels);
    const clusterId = props.clusterId ?? '244.0.0.1';
    checkString(this, 'clusterId', clusterId, 'an IPv4 address');
    if (!isIpAddress(clusterId) || clusterId.includes(':')) {
      throw new ValidationError(this, 'clusterId', clusterId, 'an IPv4 address (Calico\'s routeReflectorClusterID), e.g. 244.0.0.1');
    }
    const images = { kubectlImage: props.kubectlImage ?? DEFAULT_KUBECTL_IMAGE, pauseImage: props.pauseImage ?? DEFAULT_PAUSE_IMAGE };
    for (const [field, image] of Object.entries(images)) {
      checkString(this, field, image, 'a container image');
      const tag = /^[^@]+:([\w][\w.-]{0,127})$/.exec(image)?.[1];
      if (!image.includes('@sha256:') && (tag === undefined || tag === 'latest')) {
        throw new ValidationError(this, field, image, 'a pinned image: a tag other than latest, or a digest');
      }
    }
    this.clusterId = clusterId;
    const labels = { 'app.kubernetes.io/name': name };
    const serviceAccount: KubernetesObject = {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels },
    };
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }],
    };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    };
    const securityContext = {
      runAsNonRoot: true, runAsUser: 65532, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
    };
    const resources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } };
    const daemonSet = {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            nodeSelector: { ...props.nodeLabels },
            // Like calico-node: also on tainted route reflector nodes.
            tolerations: [{ operator: 'Exists' }],
            priorityClassName: 'system-node-critical',
            initContainers: [{
              name: 'annotate',
              image: images.kubectlImage,
              command: ['kubectl'],
              args: ['annotate', 'node', '$(NODE_NAME)', '--overwrite', `${ROUTE_REFLECTOR_CLUSTER_ID_ANNOTATION}=${clusterId}`],
              // kubectl caches discovery under $HOME: a writable emptyDir, the root filesystem stays read-only.
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, { name: 'HOME', value: '/tmp' }],
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              securityContext, resources,
            }],
            containers: [{ name: 'idle', image: images.pauseImage, securityContext, resources }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    };
    const sa = manifests.add(this, 'service-account', serviceAccount);
    const cr = manifests.add(this, 'cluster-role', role);
    const crb = manifests.add(this, 'cluster-role-binding', binding, { dependsOn: [sa, cr] });
    const ds = manifests.add(this, 'daemon-set', daemonSet, { dependsOn: [crb] });
    this.objects = [sa, cr, crb, ds];
  }
}
