import { App } from 'cdktf';
import { HubSpokeEgwStack } from './hub-spoke-egw';
import { HubSpokeEgwCalicoStack } from './hub-spoke-egw-calico';

/** One row per example stack: its name, the document it reproduces and how to build it. */
export interface ExampleStack {
  readonly name: string;
  readonly document: string;
  readonly build: (app: App) => void;
}

/** The cloud stack of document 000 in `app`, created on first use so the cluster stack can build on it. */
function hubSpokeEgw(app: App): HubSpokeEgwStack {
  const existing = app.node.tryFindChild('hub-spoke-egw');
  return existing instanceof HubSpokeEgwStack ? existing : new HubSpokeEgwStack(app, 'hub-spoke-egw');
}

/** The example stacks, in the order the README's table lists them. */
export const EXAMPLES: readonly ExampleStack[] = [
  { name: 'hub-spoke-egw', document: '000', build: (app) => hubSpokeEgw(app) },
  {
    name: 'hub-spoke-egw-calico',
    document: '000',
    // The tenants are declared once, by the cloud stack's props, and handed to the cluster stack.
    build: (app) => {
      const cloud = hubSpokeEgw(app);
      new HubSpokeEgwCalicoStack(app, 'hub-spoke-egw-calico', { cloud, tenants: cloud.tenants });
    },
  },
];

/** Adds every example stack to `app`. */
export function buildExamples(app: App): void {
  for (const example of EXAMPLES) example.build(app);
}
