import { IConstruct } from 'constructs';
import { knownValue, warnUnchecked } from '../core';

/**
 * Azure regions with availability zones (three each), by programmatic name, from Microsoft's
 * "Azure regions with availability zone support"
 * (https://learn.microsoft.com/azure/reliability/availability-zones-region-support). Kept to regions
 * long in that list: a region missing here only means no zones by default (pass `zones` to set them);
 * a region wrongly here would fail at apply.
 */
export const AZURE_REGIONS_WITH_ZONES: readonly string[] = [
  // Americas
  'brazilsouth', 'canadacentral', 'centralus', 'eastus', 'eastus2', 'mexicocentral', 'southcentralus', 'westus2', 'westus3',
  // Europe
  'francecentral', 'germanywestcentral', 'italynorth', 'northeurope', 'norwayeast', 'polandcentral', 'spaincentral',
  'swedencentral', 'switzerlandnorth', 'uksouth', 'westeurope',
  // Middle East, Africa
  'israelcentral', 'qatarcentral', 'uaenorth', 'southafricanorth',
  // Asia Pacific
  'australiaeast', 'centralindia', 'eastasia', 'japaneast', 'koreacentral', 'newzealandnorth', 'southeastasia',
];

/**
 * The zones a zone-redundant resource gets by default in `location`: 1, 2 and 3 where the region has
 * zones, none where it has none or where the location is known only at deploy time (with a warning).
 */
export function defaultZones(scope: IConstruct, field: string, location: string): string[] | undefined {
  const known = knownValue(scope, location);
  if (typeof known !== 'string') {
    warnUnchecked(scope, field, location, 'whether the region has availability zones (none are set by default; pass zones to set them)');
    return undefined;
  }
  const name = known.toLowerCase().replace(/\s+/g, '');
  return AZURE_REGIONS_WITH_ZONES.includes(name) ? ['1', '2', '3'] : undefined;
}
