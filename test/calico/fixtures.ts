/**
 * A test fixture shaped like a confd template for BIRD, written for these tests; it is not Calico's
 * template (whose text differs between versions): lines 4 and 8 hold the `direct;` statements.
 */
export const FIXTURE_TEMPLATE = [
  '# Fixture for cdktf-kubernetes-egress tests; a direct; in a comment stays.',
  'protocol bgp Peer_1 from bgp_template {',
  '  neighbor 169.254.8.10 as 64512;',
  '  direct;',
  '  gateway direct;',
  '}',
  'protocol bgp Peer_2 from bgp_template {',
  '  {{if .Connected}}direct;{{end}}',
  '}',
  '',
].join('\n');
