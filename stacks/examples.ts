import { App } from 'cdktf';
import { HubSpokeEgwStack } from './hub-spoke-egw';
import { HubSpokeAppgwStack } from './hub-spoke-appgw';

/** One row per example stack: its name, the document it reproduces and how to build it. */
export interface ExampleStack {
  readonly name: string;
  readonly document: string;
  readonly build: (app: App) => void;
}

/** The example stacks, in the order the README's table lists them. */
export const EXAMPLES: readonly ExampleStack[] = [
  { name: 'hub-spoke-egw', document: '000', build: (app) => new HubSpokeEgwStack(app, 'hub-spoke-egw') },
  { name: 'hub-spoke-appgw', document: '003', build: (app) => new HubSpokeAppgwStack(app, 'hub-spoke-appgw') },
];

/** Adds every example stack to `app`. */
export function buildExamples(app: App): void {
  for (const example of EXAMPLES) example.build(app);
}
