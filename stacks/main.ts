/**
 * The example app: every example stack, synthesized into cdktf.out/stacks/<name>/cdk.tf.json by
 * `npm run synth` (or `cdktf synth`).
 */
import { App } from 'cdktf';
import { buildExamples } from './examples';

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
buildExamples(app);
app.synth();
