import { Construct } from 'constructs';
import { TerraformProvider, TerraformResource } from 'cdktf';

/** A provider-free stand-in resource for core tests (lib/core imports no provider package). */
export class NullProvider extends TerraformProvider {
  public static readonly Resource = class extends TerraformResource {
    constructor(scope: Construct, id: string) {
      super(scope, id, { terraformResourceType: 'null_resource' });
    }
  };

  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: 'null', terraformProviderSource: 'hashicorp/null' });
  }
}
