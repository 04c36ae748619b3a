import { ValidationError } from '../core/errors';

/**
 * A problem with what the report was asked to read (a missing or malformed `cdktf.out`, an unknown
 * stack) or with how the command was called. Its message names the path or option and what is
 * wrong, in the library's usual form: `cdktf.out/manifest.json: file is missing; run cdktf synth first`.
 * The CLI prints it and exits with status 1.
 */
export class ReportInputError extends ValidationError {
  constructor(path: string, field: string, value: unknown, allowed: string) {
    super(path, field, value, allowed);
    this.name = 'ReportInputError';
  }
}
