import { App } from 'cdktf';
import { VirtualNetwork } from '../../lib/azure';
import { renderMermaid } from '../../lib/report';
import { mermaidId, mermaidLabel } from '../../lib/report/mermaid';
import { azureStack, resourceGroup } from '../helpers';
import { clusterStack, hubSpoke, modelOf, removeOutdirs, tenant0 } from './fixtures';

afterAll(removeOutdirs);

describe('the Mermaid diagram', () => {
  test('labels keep their line breaks and turn quotes and markup into entities; IDs keep letters, digits and _', () => {
    expect(mermaidLabel('AKS "prod"<br/>a <b> & #1 `x`')).toBe('AKS #quot;prod#quot;<br/>a #lt;b#gt; #amp; #35;1 #96;x#96;');
    expect(mermaidId('hub-fw_firewall_9FA64A1D')).toBe('hub_fw_firewall_9FA64A1D');
    expect(mermaidId('EgressGateway/tenant0-egw/tenant0-egw')).toBe('EgressGateway_tenant0_egw_tenant0_egw');
    expect(mermaidId('---')).toBe('x');
  });

  test('a hub and spoke: VNets as subgraphs, the firewall, Route Server, cluster and tenant inside, peering, route, SNAT and BGP edges', () => {
    const model = modelOf((app) => clusterStack(app, hubSpoke(app), [tenant0()]));
    expect(model.groups).toEqual([['cloud', 'cluster']]);
    expect(renderMermaid(model, model.groups[0])).toBe([
      'flowchart LR',
      '  subgraph net_hub_vnet_858991EC["VNet hub-vnet<br/>10.0.0.0/22"]',
      '    fw_fw_firewall_1A8CBD75{{"Azure Firewall hub-fw<br/>0 rule collections"}}',
      '    rs_rs_route_server_B1557B08[/"Route Server hub-rs<br/>AS 65515"/]',
      '  end',
      '  subgraph net_spoke_vnet_92DF0393["VNet spoke-vnet<br/>10.1.0.0/22"]',
      '    k8s_aks_cluster_D4B35EC5[["AKS spoke-aks<br/>userDefinedRouting"]]',
      '    tenant_EgressGateway_tenant0_egw_tenant0_egw>"tenant tenant0<br/>10.99.0.0/29"]',
      '  end',
      '  internet(("Internet"))',
      '  fw_fw_firewall_1A8CBD75 -->|"SNAT hub-fw-ip"| internet',
      '  k8s_aks_cluster_D4B35EC5 -->|"0.0.0.0/0 via spoke-rt"| fw_fw_firewall_1A8CBD75',
      '  rs_rs_route_server_B1557B08 <-.->|"BGP: AS 65515 ↔ AS 63400 (10.1.0.4, 10.1.0.5)"| k8s_aks_cluster_D4B35EC5',
      '  net_hub_vnet_858991EC <-->|"peering hub-to-spoke / spoke-to-hub"| net_spoke_vnet_92DF0393',
      '  tenant_EgressGateway_tenant0_egw_tenant0_egw -.-|"egress gateway tenant0-egw/tenant0-egw"| k8s_aks_cluster_D4B35EC5',
      '',
    ].join('\n'));
  });

  test('stacks that do not refer to one another get a diagram each; a network with nothing in it is a node; same logical IDs get distinct node IDs', () => {
    const twin = (app: App, id: string, cidr: string): void => {
      const stack = azureStack(app, id);
      new VirtualNetwork(stack, 'vnet', { resourceGroup: resourceGroup(stack, id), name: `${id}-vnet`, addressSpace: [cidr], subnets: [] });
    };
    const model = modelOf((app) => {
      twin(app, 'one', '10.10.0.0/16');
      twin(app, 'two', '10.20.0.0/16');
    });
    expect(model.groups).toEqual([['one'], ['two']]);
    expect(renderMermaid(model, ['one'])).toBe('flowchart LR\n  net_vnet_DB8DC96A("VNet one-vnet<br/>10.10.0.0/16")\n');
    expect(renderMermaid(model, ['one', 'two'])).toBe([
      'flowchart LR',
      '  net_vnet_DB8DC96A("VNet one-vnet<br/>10.10.0.0/16")',
      '  net_vnet_DB8DC96A_2("VNet two-vnet<br/>10.20.0.0/16")',
      '',
    ].join('\n'));
  });
});
