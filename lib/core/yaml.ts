import type { CreateNodeOptions, DocumentOptions, ParseOptions, SchemaOptions, ToStringOptions } from 'yaml';

/**
 * `stringify` of the `yaml` package, which is loaded on the first call: most apps render their
 * Kubernetes objects without it (see `renderYaml` of the Calico constructs), so importing the library
 * does not load it.
 */
export function stringifyYaml(value: unknown, options?: DocumentOptions & SchemaOptions & ParseOptions & CreateNodeOptions & ToStringOptions): string {
  const yaml: typeof import('yaml') = require('yaml');
  return yaml.stringify(value, options);
}
