import { TerraformStack, Testing } from 'cdktf';
import { NullProvider, NullResource } from './null-provider';
import { TimeProvider, TimeSleep } from '../../lib/core';

function stackWith(build: (stack: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), 'test');
  new NullProvider(stack, 'null');
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

describe('time_sleep binding', () => {
  test('declares hashicorp/time once per stack and renders time_sleep with its duration, triggers and depends_on', () => {
    const json = stackWith((stack) => {
      const target = new NullResource(stack, 'grant');
      new TimeSleep(stack, 'wait-a', { createDuration: '60s', triggers: { grant: target.fqn }, dependsOn: [target] });
      new TimeSleep(stack, 'wait-b', { createDuration: '2m', dependsOn: [target] });
    });
    expect(json.terraform.required_providers.time).toEqual({ source: 'hashicorp/time', version: '~> 0.13' });
    expect(json.provider.time).toEqual([{}]);
    expect(json.resource.time_sleep['wait-a']).toEqual({
      create_duration: '60s', triggers: { grant: '${null_resource.grant}' }, depends_on: ['null_resource.grant'],
    });
    expect(json.resource.time_sleep['wait-b']).toEqual({ create_duration: '2m', depends_on: ['null_resource.grant'] });
  });

  test('TimeProvider.of returns the stack\'s one provider', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(TimeProvider.of(stack)).toBe(TimeProvider.of(stack));
  });

  test('refuses a duration Terraform cannot parse, and a sleep after nothing', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const target = new NullResource(stack, 'grant');
    expect(() => new TimeSleep(stack, 'bad', { createDuration: '60 seconds', dependsOn: [target] }))
      .toThrow('test/bad: createDuration is "60 seconds"; a duration such as "60s", "2m" or "1m30s"');
    expect(() => new TimeSleep(stack, 'empty', { createDuration: '60s', dependsOn: [] }))
      .toThrow('test/empty: dependsOn is []; a sleep waits after something: name at least one resource');
  });
});
