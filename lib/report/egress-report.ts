import { analyze, AnalyzeOptions } from './analyze';
import { readSynthOutput } from './input';
import { renderMarkdown } from './markdown';

/**
 * The egress review of the cdktf output directory `dir` as Markdown. Reads only; throws a
 * `ReportInputError` when `dir` is not a readable cdktf output or names an unknown stack.
 */
export function egressReport(dir: string, options: AnalyzeOptions = {}): string {
  return renderMarkdown(analyze(readSynthOutput(dir), options));
}
