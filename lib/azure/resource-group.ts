import { Token, Tokenization } from 'cdktf';
import { ErrorSite, ValidationError, formatValue, typeName } from '../core';

/**
 * What constructs need of a resource group: its name and location. An azurerm `ResourceGroup`
 * resource satisfies it, and so does a plain object for a group that already exists.
 */
export interface IResourceGroup {
  readonly name: string;
  readonly location: string;
}

/** Tags applied to the resources a construct creates. */
export type Tags = { readonly [key: string]: string };

/** Azure's limits on tags (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations). */
export const AZURE_TAG_LIMITS = { maxTags: 50, maxNameLength: 512, maxValueLength: 256, forbiddenInName: '<>%&\\?/' } as const;

/**
 * Checks a tag map against Azure's limits and returns it: at most 50 tags, names of 1 to 512
 * characters without `<`, `>`, `%`, `&`, `\`, `?` or `/`, string values of at most 256 characters.
 * Deploy-time keys and values are left to the azurerm provider, which checks the same limits at plan.
 */
export function azureTags(site: ErrorSite, tags: Tags | undefined, field = 'tags'): Tags | undefined {
  if (tags === undefined || Tokenization.isResolvable(tags)) return tags;
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    throw new ValidationError(site, `${field} (${typeName(tags)})`, tags, 'expected a map of tag names to string values');
  }
  const entries = Object.entries(tags);
  const { maxTags, maxNameLength, maxValueLength, forbiddenInName } = AZURE_TAG_LIMITS;
  if (entries.length > maxTags) {
    throw new ValidationError(site, field, `${entries.length} tags`, `Azure takes at most ${maxTags} tags per resource`);
  }
  for (const [name, value] of entries) {
    if (!Token.isUnresolved(name)) {
      const bad = [...name].find((c) => forbiddenInName.includes(c));
      if (name.length === 0 || name.length > maxNameLength || bad !== undefined) {
        throw new ValidationError(site, `${field} name`, name,
          `a tag name is 1 to ${maxNameLength} characters without ${[...forbiddenInName].join(' ')}` + (bad ? ` (it has ${formatValue(bad)})` : ''));
      }
    }
    const at = `${field}[${formatValue(name)}]`;
    if (typeof value !== 'string') throw new ValidationError(site, `${at} (${typeName(value)})`, value, 'a tag value is a string');
    if (!Token.isUnresolved(value) && value.length > maxValueLength) {
      throw new ValidationError(site, at, `${value.length} characters`, `a tag value is at most ${maxValueLength} characters`);
    }
  }
  return tags;
}
