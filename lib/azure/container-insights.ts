import { Construct } from 'constructs';
// Bindings imported as types only are loaded where their resources are created (`require`), so
// importing the library does not load the bindings of parts an app does not use.
import type { MonitorDataCollectionRule } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule';
import type { MonitorDataCollectionRuleAssociation } from '@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association';
import { ValidationError, checkAzureName, knownValue, warnUnchecked } from '../core';
import { requireProps } from '../core/guards';
import { ILogAnalyticsWorkspace } from './diagnostics';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { untraced } from '../core/refs';

/** The stream Container insights sends through its data collection rule. */
export const CONTAINER_INSIGHTS_STREAM = 'Microsoft-ContainerInsights-Group-Default';

/** Azure's rule for data collection rule names (the Azure CLI cuts the name it generates to 64 characters). */
const DATA_COLLECTION_RULE_NAME = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{1,62}[A-Za-z0-9_]$/,
  allowed: "a data collection rule name is 3 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit",
};

/** Props of {@link ContainerInsights}. */
export interface ContainerInsightsProps {
  /** Where the rule lives (the cluster's group). */
  readonly resourceGroup: IResourceGroup;
  /** The cluster's resource ID (a reference). */
  readonly clusterId: string;
  /** The cluster's name, for the rule's default name. */
  readonly clusterName: string;
  /** The workspace the cluster's logs go to. */
  readonly workspace: ILogAnalyticsWorkspace;
  /** @default `MSCI-${location}-${clusterName}` (the name the Azure CLI gives it) */
  readonly dataCollectionRuleName?: string;
  /** @default - none */
  readonly tags?: Tags;
}

/**
 * The data collection rule that routes a cluster's Container insights data to a Log Analytics
 * workspace, and its association with the cluster. The cluster's monitoring agent authenticates
 * with its managed identity (`msi_auth_for_monitoring_enabled`), which only sends data a rule routes;
 * `az aks enable-addons --addons monitoring` creates the same pair.
 */
export class ContainerInsights extends Construct {
  /** The azurerm_monitor_data_collection_rule resource (escape hatch). */
  public readonly rule: MonitorDataCollectionRule;
  /** The azurerm_monitor_data_collection_rule_association resource (escape hatch). */
  public readonly association: MonitorDataCollectionRuleAssociation;
  /** The workspace the data goes to. */
  public readonly workspace: ILogAnalyticsWorkspace;

  constructor(scope: Construct, id: string, props: ContainerInsightsProps) {
    super(scope, id);
    requireProps(this, 'ContainerInsights', props, ['resourceGroup', 'clusterId', 'clusterName', 'workspace']);
    const name = props.dataCollectionRuleName ?? `MSCI-${props.resourceGroup.location}-${props.clusterName}`;
    // A generated name is checked as such, so the message says which prop to pass instead.
    if (props.dataCollectionRuleName === undefined) this.checkGeneratedName(props);
    else checkAzureName(this, 'dataCollectionRuleName', name, DATA_COLLECTION_RULE_NAME);
    this.workspace = props.workspace;
    // The bindings are loaded here, by the clusters that send Container insights only.
    const dcr: typeof import('@cdktf/provider-azurerm/lib/monitor-data-collection-rule') = require('@cdktf/provider-azurerm/lib/monitor-data-collection-rule');
    this.rule = untraced(() => new dcr.MonitorDataCollectionRule(this, 'rule', {
      name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      kind: 'Linux',
      destinations: { logAnalytics: [{ name: 'ciworkspace', workspaceResourceId: props.workspace.id }] },
      dataFlow: [{ streams: [CONTAINER_INSIGHTS_STREAM], destinations: ['ciworkspace'] }],
      dataSources: {
        extension: [{
          name: 'ContainerInsightsExtension',
          extensionName: 'ContainerInsights',
          streams: [CONTAINER_INSIGHTS_STREAM],
          extensionJson: JSON.stringify({
            dataCollectionSettings: { interval: '1m', namespaceFilteringMode: 'Off', enableContainerLogV2: true },
          }),
        }],
      },
      description: `Container insights of ${props.clusterName}`,
      tags: azureTags(this, props.tags),
    }));
    const dcra: typeof import('@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association') = require('@cdktf/provider-azurerm/lib/monitor-data-collection-rule-association');
    this.association = untraced(() => new dcra.MonitorDataCollectionRuleAssociation(this, 'association', {
      name: 'ContainerInsightsExtension',
      targetResourceId: props.clusterId,
      dataCollectionRuleId: this.rule.id,
      description: 'Routes Container insights data of the cluster to its workspace',
    }));
  }

  /**
   * The default name carries the location, usually a reference (`rg.location`): check it with the
   * literal the app set, so a long cluster name fails here and not at apply.
   */
  private checkGeneratedName(props: ContainerInsightsProps): void {
    const location = knownValue(this, props.resourceGroup.location);
    const cluster = knownValue(this, props.clusterName);
    if (typeof location !== 'string' || typeof cluster !== 'string') {
      warnUnchecked(this, 'dataCollectionRuleName', `MSCI-${props.resourceGroup.location}-${props.clusterName}`, 'its length (64 at most)');
      return;
    }
    const generated = `MSCI-${location}-${cluster}`;
    if (!DATA_COLLECTION_RULE_NAME.pattern.test(generated)) {
      throw new ValidationError(this, 'dataCollectionRuleName (generated)', generated,
        `${DATA_COLLECTION_RULE_NAME.allowed}; this one is ${generated.length}: pass containerInsights.dataCollectionRuleName`);
    }
  }
}
