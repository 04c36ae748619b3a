import { App } from 'cdktf';
import { AwsInspectionEgwStack } from './aws-inspection-egw';
import { HubSpokeEgwStack } from './hub-spoke-egw';

/** One row per example stack: its name, the document it reproduces and how to build it. */
export interface ExampleStack {
  readonly name: string;
  readonly document: string;
  readonly build: (app: App) => void;
}

/** The example stacks, in the order the README's table lists them. */
export const EXAMPLES: readonly ExampleStack[] = [
  { name: 'hub-spoke-egw', document: '000', build: (app) => new HubSpokeEgwStack(app, 'hub-spoke-egw') },
  { name: 'aws-inspection-egw', document: '004', build: (app) => new AwsInspectionEgwStack(app, 'aws-inspection-egw') },
];

/** Adds every example stack to `app`. */
export function buildExamples(app: App): void {
  for (const example of EXAMPLES) example.build(app);
}
