import { parse } from 'yaml';
import { ROUTE_REFLECTOR_CLUSTER_ID_ANNOTATION, RouteReflectorClusterId, RouteReflectorClusterIdProps } from '../../lib/calico';
import { clusterStack, manifestAddress, manifestResource, synth } from '../helpers';

const build = (over: Partial<RouteReflectorClusterIdProps> = {}) => {
  const { stack, manifests } = clusterStack();
  const construct = new RouteReflectorClusterId(manifests, 'rr-id', { nodeLabels: { 'route-reflector': 'true' }, ...over });
  return { stack, manifests, construct };
};

const labels = { 'app.kubernetes.io/name': 'calico-route-reflector-id' };
const securityContext = {
  runAsNonRoot: true, runAsUser: 65532, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
};
const resources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } };
const daemonSet = {
  apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'calico-route-reflector-id', namespace: 'kube-system', labels },
  spec: {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        serviceAccountName: 'calico-route-reflector-id',
        nodeSelector: { 'route-reflector': 'true' },
        tolerations: [{ operator: 'Exists' }],
        priorityClassName: 'system-node-critical',
        initContainers: [{
          name: 'annotate',
          image: 'registry.k8s.io/kubectl:v1.34.0',
          command: ['kubectl'],
          args: ['annotate', 'node', '$(NODE_NAME)', '--overwrite', 'projectcalico.org/RouteReflectorClusterID=244.0.0.1'],
          env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, { name: 'HOME', value: '/tmp' }],
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          securityContext, resources,
        }],
        containers: [{ name: 'idle', image: 'registry.k8s.io/pause:3.10', securityContext, resources }],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
};

describe('RouteReflectorClusterId', () => {
  test('renders a ServiceAccount, a ClusterRole that gets and patches nodes, its binding and a DaemonSet that annotates its own node', () => {
    const { stack, manifests } = build();
    const json = synth(stack);
    expect(ROUTE_REFLECTOR_CLUSTER_ID_ANNOTATION).toBe('projectcalico.org/RouteReflectorClusterID');
    expect(manifestResource(json, 'ServiceAccount', 'calico-route-reflector-id', 'kube-system').manifest).toEqual({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'calico-route-reflector-id', namespace: 'kube-system', labels },
    });
    expect(manifestResource(json, 'ClusterRole', 'calico-route-reflector-id').manifest).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'calico-route-reflector-id', labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'patch'] }],
    });
    const binding = manifestResource(json, 'ClusterRoleBinding', 'calico-route-reflector-id');
    expect(binding.manifest).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'calico-route-reflector-id', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'calico-route-reflector-id' },
      subjects: [{ kind: 'ServiceAccount', name: 'calico-route-reflector-id', namespace: 'kube-system' }],
    });
    expect(binding.depends_on).toEqual([
      manifestAddress(json, 'ServiceAccount', 'calico-route-reflector-id', 'kube-system'), manifestAddress(json, 'ClusterRole', 'calico-route-reflector-id'),
    ]);
    const ds = manifestResource(json, 'DaemonSet', 'calico-route-reflector-id', 'kube-system');
    expect(ds.manifest).toEqual(daemonSet);
    expect(ds.depends_on).toEqual([manifestAddress(json, 'ClusterRoleBinding', 'calico-route-reflector-id')]);
    // The YAML rendering holds the same objects.
    const docs = manifests.toYaml().split(/^---$/m).map((d) => parse(d)).filter((d) => d);
    expect(docs.find((d) => d.kind === 'DaemonSet')).toEqual(daemonSet);
    expect(docs.map((d) => d.kind)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'DaemonSet']);
  });

  test('takes another cluster ID, labels and images', () => {
    const { stack } = build({ clusterId: '10.255.0.1', nodeLabels: { pool: 'rr' }, kubectlImage: 'example.azurecr.io/kubectl@sha256:abc', name: 'rr-id', namespace: 'calico-system' });
    const spec = manifestResource(synth(stack), 'DaemonSet', 'rr-id', 'calico-system').manifest.spec.template.spec;
    expect(spec.nodeSelector).toEqual({ pool: 'rr' });
    expect(spec.initContainers[0].image).toBe('example.azurecr.io/kubectl@sha256:abc');
    expect(spec.initContainers[0].args[4]).toBe('projectcalico.org/RouteReflectorClusterID=10.255.0.1');
  });

  test.each<[string, Partial<RouteReflectorClusterIdProps>, string]>([
    ['a cluster ID that is not an IPv4 address', { clusterId: 'rr-1' },
      'cluster/calico/rr-id: clusterId is "rr-1"; an IPv4 address (Calico\'s routeReflectorClusterID), e.g. 244.0.0.1'],
    ['an IPv6 cluster ID', { clusterId: 'fd00::1' },
      'cluster/calico/rr-id: clusterId is "fd00::1"; an IPv4 address (Calico\'s routeReflectorClusterID), e.g. 244.0.0.1'],
    ['no node labels', { nodeLabels: {} },
      'cluster/calico/rr-id: nodeLabels is {}; the labels of the route reflector nodes, e.g. { \'route-reflector\': \'true\' }'],
    ['an image tagged latest', { kubectlImage: 'registry.k8s.io/kubectl:latest' },
      'cluster/calico/rr-id: kubectlImage is "registry.k8s.io/kubectl:latest"; a pinned image: a tag other than latest, or a digest'],
    ['an untagged image', { pauseImage: 'registry.k8s.io/pause' },
      'cluster/calico/rr-id: pauseImage is "registry.k8s.io/pause"; a pinned image: a tag other than latest, or a digest'],
  ])('refuses %s', (_, over, message) => {
    expect(() => build(over)).toThrow(message);
  });
});
