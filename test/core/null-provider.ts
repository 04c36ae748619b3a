import { Construct } from 'constructs';
import { TerraformProvider, TerraformResource } from 'cdktf';

/** A provider-free stand-in for core tests (lib/core imports no provider package). */
export class NullProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: 'null', terraformProviderSource: 'hashicorp/null' });
  }
}

/** A `null_resource` to depend on. */
export class NullResource extends TerraformResource {
  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: 'null_resource' });
  }
}
