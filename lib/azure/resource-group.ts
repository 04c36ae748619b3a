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
