import { Construct } from 'constructs';
import { LogAnalyticsWorkspace as TfLogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { ValidationError, checkAzureName } from '../core';
import { checkEnum, requireProps } from '../core/guards';
import { IResourceGroup, Tags, azureTags } from './resource-group';
import { untraced } from '../core/refs';

/** What a diagnostic setting needs of a workspace: its ID. */
export interface ILogAnalyticsWorkspace {
  /** The workspace's resource ID (a reference). */
  readonly id: string;
  /** Its name, for reports. */
  readonly name: string;
}

/** Props of {@link LogAnalyticsWorkspace}. */
export interface LogAnalyticsWorkspaceProps {
  readonly resourceGroup: IResourceGroup;
  /** 4 to 63 letters, digits and '-'. */
  readonly name: string;
  /** @default 'PerGB2018' */
  readonly sku?: string;
  /** Days to keep data, 30 to 730 (7 on the Free tier). @default 30 */
  readonly retentionInDays?: number;
  /** @default - none */
  readonly tags?: Tags;
}

/** The SKUs of a Log Analytics workspace (azurerm `azurerm_log_analytics_workspace.sku`). */
export const LOG_ANALYTICS_SKUS = [
  'PerGB2018', 'PerNode', 'Premium', 'Standalone', 'Standard', 'CapacityReservation', 'LACluster', 'Unlimited',
] as const;

/** Where a diagnostic setting writes in a workspace (azurerm `log_analytics_destination_type`). */
export const DIAGNOSTIC_DESTINATION_TYPES = ['Dedicated', 'AzureDiagnostics'] as const;

/** A Log Analytics workspace that diagnostic settings of any resource can send logs to. */
export class LogAnalyticsWorkspace extends Construct implements ILogAnalyticsWorkspace {
  /** The workspace's name in Azure. */
  public readonly name: string;
  /** The azurerm_log_analytics_workspace resource (escape hatch). */
  public readonly resource: TfLogAnalyticsWorkspace;

  constructor(scope: Construct, id: string, props: LogAnalyticsWorkspaceProps) {
    super(scope, id);
    requireProps(this, 'LogAnalyticsWorkspace', props, ['resourceGroup', 'name']);
    checkAzureName(this, 'name', props.name, {
      pattern: /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/,
      allowed: "a workspace name is 4 to 63 letters, digits or '-', starting and ending with a letter or digit",
    });
    const retention = props.retentionInDays ?? 30;
    if (!Number.isInteger(retention) || retention < 30 || retention > 730) {
      throw new ValidationError(this, 'retentionInDays', retention, 'Log Analytics keeps data for 30 to 730 days');
    }
    this.name = props.name;
    this.resource = untraced(() => new TfLogAnalyticsWorkspace(this, 'workspace', {
      name: props.name,
      resourceGroupName: props.resourceGroup.name,
      location: props.resourceGroup.location,
      sku: checkEnum(this, 'sku', props.sku ?? 'PerGB2018', LOG_ANALYTICS_SKUS, { what: 'a workspace SKU' }),
      retentionInDays: retention,
      tags: azureTags(this, props.tags),
    }));
  }

  /** The workspace's resource ID (a reference). */
  public get id(): string {
    return this.resource.id;
  }
}

/** Props of {@link DiagnosticSettings}. */
export interface DiagnosticSettingsProps {
  /** The setting's name, e.g. `hub-fw-settings`. */
  readonly name: string;
  /** ID of the resource whose logs are sent. */
  readonly targetResourceId: string;
  readonly workspace: ILogAnalyticsWorkspace;
  /** Log categories, e.g. `AzureFirewallApplicationRule`. At least one log or metric category. @default - none */
  readonly logCategories?: string[];
  /** Log category groups, e.g. `allLogs`. @default - none */
  readonly logCategoryGroups?: string[];
  /** Metric categories. @default ['AllMetrics'] */
  readonly metricCategories?: string[];
  /**
   * `Dedicated` writes resource-specific tables (e.g. `AZFWApplicationRule`); `AzureDiagnostics`
   * writes the legacy shared table.
   * @default - the provider's default (AzureDiagnostics)
   */
  readonly destinationType?: 'Dedicated' | 'AzureDiagnostics';
}

/** A diagnostic setting that sends a resource's logs and metrics to a Log Analytics workspace. */
export class DiagnosticSettings extends Construct {
  /** The azurerm_monitor_diagnostic_setting resource (escape hatch). */
  public readonly resource: MonitorDiagnosticSetting;
  /** The log categories sent. */
  public readonly logCategories: readonly string[];
  /** The log category groups sent (e.g. `allLogs`). */
  public readonly logCategoryGroups: readonly string[];
  /** The metric categories sent. */
  public readonly metricCategories: readonly string[];

  constructor(scope: Construct, id: string, props: DiagnosticSettingsProps) {
    super(scope, id);
    requireProps(this, 'DiagnosticSettings', props, ['name', 'targetResourceId', 'workspace']);
    const logs = props.logCategories ?? [];
    const groups = props.logCategoryGroups ?? [];
    const metrics = props.metricCategories ?? ['AllMetrics'];
    if (logs.length + groups.length + metrics.length === 0) {
      throw new ValidationError(this, 'logCategories', [], 'a diagnostic setting sends at least one log or metric category');
    }
    this.logCategories = logs;
    this.logCategoryGroups = groups;
    this.metricCategories = metrics;
    this.resource = untraced(() => new MonitorDiagnosticSetting(this, 'setting', {
      name: props.name,
      targetResourceId: props.targetResourceId,
      logAnalyticsWorkspaceId: props.workspace.id,
      logAnalyticsDestinationType: props.destinationType === undefined ? undefined
        : checkEnum(this, 'destinationType', props.destinationType, DIAGNOSTIC_DESTINATION_TYPES, { what: 'a destination type' }),
      enabledLog: [
        ...logs.map((category) => ({ category })),
        ...groups.map((categoryGroup) => ({ categoryGroup })),
      ],
      enabledMetric: metrics.map((category) => ({ category })),
    }));
  }
}

/** Log categories of the resources the library builds, for diagnostic settings. */
export const DIAGNOSTIC_LOG_CATEGORIES = {
  /** Azure Firewall: rule hits (the legacy AzureDiagnostics categories). */
  azureFirewall: ['AzureFirewallApplicationRule', 'AzureFirewallNetworkRule'],
  /** Application Gateway: access, performance and WAF logs. */
  applicationGateway: ['ApplicationGatewayAccessLog', 'ApplicationGatewayPerformanceLog', 'ApplicationGatewayFirewallLog'],
} as const;

/** Where a resource's diagnostics go and what they hold: the `diagnostics` prop of constructs that send logs. */
export interface ResourceDiagnosticsOptions {
  /** An existing workspace, e.g. one shared by the hub's firewall and gateways. @default - a new workspace named `workspaceName` */
  readonly workspace?: ILogAnalyticsWorkspace;
  /** Name of the workspace to create when `workspace` is not given. @default `${resourceName}-log-analytics` */
  readonly workspaceName?: string;
  /** The diagnostic setting's name. @default `${resourceName}-settings` */
  readonly settingName?: string;
  /** @default - the resource's own categories (see DIAGNOSTIC_LOG_CATEGORIES) */
  readonly logCategories?: string[];
  /** Log category groups, e.g. `allLogs`. @default - none */
  readonly logCategoryGroups?: string[];
  /** @default ['AllMetrics'] */
  readonly metricCategories?: string[];
  /** @default - the provider's default (AzureDiagnostics) */
  readonly destinationType?: 'Dedicated' | 'AzureDiagnostics';
}

/** The resource whose logs {@link addDiagnostics} sends. */
export interface DiagnosticsTarget {
  /** The resource's name, the base of the default workspace and setting names. */
  readonly name: string;
  /** Its resource ID (a reference). */
  readonly id: string;
  /** Where a new workspace goes. */
  readonly resourceGroup: IResourceGroup;
  /** Log categories sent unless the options name others. */
  readonly defaultLogCategories: readonly string[];
  /** Tags of a new workspace. @default - none */
  readonly tags?: Tags;
}

/** What {@link addDiagnostics} made or used. */
export interface ResourceDiagnostics {
  readonly workspace: ILogAnalyticsWorkspace;
  readonly setting: DiagnosticSettings;
}

/**
 * Sends any resource's logs and metrics to Log Analytics: to `options.workspace`, or to a new
 * workspace (`log-analytics`, next to the setting `diagnostics`, both created in `scope`).
 */
export function addDiagnostics(scope: Construct, target: DiagnosticsTarget, options: ResourceDiagnosticsOptions = {}): ResourceDiagnostics {
  const workspace = options.workspace ?? new LogAnalyticsWorkspace(scope, 'log-analytics', {
    resourceGroup: target.resourceGroup,
    name: options.workspaceName ?? `${target.name}-log-analytics`,
    tags: target.tags,
  });
  const setting = new DiagnosticSettings(scope, 'diagnostics', {
    name: options.settingName ?? `${target.name}-settings`,
    targetResourceId: target.id,
    workspace,
    logCategories: options.logCategories ?? [...target.defaultLogCategories],
    logCategoryGroups: options.logCategoryGroups,
    metricCategories: options.metricCategories,
    destinationType: options.destinationType,
  });
  return { workspace, setting };
}
