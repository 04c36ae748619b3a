import { TerraformStack } from 'cdktf';
import { InspectionVpc, TransitGateway, TransitGatewayProps, Vpc } from '../../lib/aws';

/** A spoke VPC with node subnets and attachment subnets in two zones. */
export function spokeVpc(stack: TerraformStack, name = 'source', cidr = '10.10.0.0/16'): Vpc {
  const [a, b] = cidr.split('.').slice(0, 2);
  return new Vpc(stack, name, {
    name,
    cidrBlock: cidr,
    subnets: [
      { name: `${name}-nodes-a`, cidr: `${a}.${b}.0.0/24`, availabilityZone: 'us-east-1a', group: 'nodes' },
      { name: `${name}-nodes-b`, cidr: `${a}.${b}.1.0/24`, availabilityZone: 'us-east-1b', group: 'nodes' },
      { name: `${name}-tgw-a`, cidr: `${a}.${b}.255.0/28`, availabilityZone: 'us-east-1a', group: 'tgw' },
      { name: `${name}-tgw-b`, cidr: `${a}.${b}.255.16/28`, availabilityZone: 'us-east-1b', group: 'tgw' },
    ],
  });
}

/** An inspection VPC over us-east-1a and us-east-1b. */
export function inspectionVpc(stack: TerraformStack): InspectionVpc {
  return new InspectionVpc(stack, 'inspection', { name: 'inspection-vpc', cidrBlock: '10.100.0.0/24', availabilityZones: ['us-east-1a', 'us-east-1b'] });
}

/** A transit gateway with the document's CIDR block. */
export function transitGateway(stack: TerraformStack, over: Partial<TransitGatewayProps> = {}): TransitGateway {
  return new TransitGateway(stack, 'tgw', { name: 'hub-tgw', cidrBlocks: ['192.0.2.0/24'], ...over });
}
