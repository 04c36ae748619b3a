import { RoleAssignment, RoleScope, BuiltInRole, grantRole } from '../../lib/azure';
import { address, azureStack, resource, resourceGroup, synthWith } from '../helpers';

const principal = { principalId: '00000000-0000-0000-0000-000000000001' };
const rgId = '/subscriptions/1111/resourceGroups/secureappgw';

describe('RoleScope', () => {
  test('reads the level of a literal ID', () => {
    expect(RoleScope.fromId('/subscriptions/1111').level).toBe('subscription');
    expect(RoleScope.fromId(rgId).level).toBe('resourceGroup');
    expect(RoleScope.fromId(`${rgId}/providers/Microsoft.Network/applicationGateways/dzk8sappgw1`).level).toBe('resource');
    expect(RoleScope.fromId('/providers/Microsoft.Management/managementGroups/corp').level).toBe('managementGroup');
  });

  test('builds subscription and management group IDs', () => {
    expect(RoleScope.subscription('1111').id).toBe('/subscriptions/1111');
    expect(RoleScope.managementGroup('corp').id).toBe('/providers/Microsoft.Management/managementGroups/corp');
    expect(RoleScope.resourceGroup({ id: rgId, name: 'secureappgw' }).label).toBe('resource group secureappgw');
  });

  test('a reference in fromId, which cannot tell its level, is refused by the grant that uses it, naming where it was declared', () => {
    const stack = azureStack();
    const rg = resourceGroup(stack);
    const scope = RoleScope.fromId(rg.id);
    expect(() => grantRole(stack, 'reader', principal, 'Reader', scope)).toThrow(new RegExp(
      '^test/reader: scope is a deploy-time reference to azurerm_resource_group\\.rg-rg\\.id; RoleScope.fromId needs a literal ID; ' +
      'for a reference use RoleScope.resource\\(x\\) or RoleScope.resourceGroup\\(rg\\), which know the level ' +
      '\\(declared as RoleScope.fromId\\(a deploy-time reference to azurerm_resource_group.rg-rg.id\\) at test/azure/role-assignment.test.ts:\\d+\\)$'));
  });

  test('a string that is not an Azure ID is refused by the grant, with the grant\'s path and the declaration', () => {
    const stack = azureStack();
    const scope = RoleScope.fromId('secureappgw');
    expect(() => grantRole(stack, 'reader', principal, 'Reader', scope)).toThrow(new RegExp(
      '^test/reader: scope is "secureappgw"; expected an Azure ID: /subscriptions/<id>\\[/resourceGroups/<name>\\[/providers/...\\]\\] ' +
      'or /providers/Microsoft.Management/managementGroups/<name> \\(declared as RoleScope.fromId\\("secureappgw"\\) ' +
      'at test/azure/role-assignment.test.ts:\\d+\\)$'));
  });

  test('the line of the declaration is the caller\'s', () => {
    const line = Number(new Error().stack!.split('\n')[1].match(/:(\d+):\d+\)?$/)![1]) + 1;
    const scope = RoleScope.fromId('nope');
    expect(() => scope.check('x', 'scope')).toThrow(`(declared as RoleScope.fromId("nope") at test/azure/role-assignment.test.ts:${line})`);
  });

  test('a scope declared wrong and read without a grant says so, with no construct path', () => {
    expect(() => RoleScope.fromId('secureappgw').level).toThrow(/^\(role scope\): scope is "secureappgw"; expected an Azure ID/);
  });

  test('JavaScript callers: resource and resourceGroup without an object, subscription with a path', () => {
    const stack = azureStack();
    expect(() => grantRole(stack, 'a', principal, 'Reader', RoleScope.resource(undefined as any))).toThrow(new RegExp(
      '^test/a: scope is missing; RoleScope.resource takes the resource the role is about: any object with its id, e.g. a subnet ' +
      'or an Application Gateway \\(declared as RoleScope.resource\\(missing\\) at test/azure/role-assignment.test.ts:\\d+\\)$'));
    expect(() => grantRole(stack, 'b', principal, 'Reader', RoleScope.resourceGroup({ id: rgId } as any))).toThrow(
      /^test\/b: scope is \{id: "\/subscriptions\/1111\/resourceGroups\/secureappgw"\}; RoleScope.resourceGroup takes a resource group: an azurerm ResourceGroup, or any object with its id and name \(declared as RoleScope.resourceGroup\(/);
    expect(() => grantRole(stack, 'c', principal, 'Reader', RoleScope.subscription('/subscriptions/1111'), { allowBroadScope: true })).toThrow(
      /^test\/c: scope is "\/subscriptions\/1111"; a subscription ID is one path segment, e\.g\. "00000000-0000-0000-0000-000000000000", without "\/subscriptions\/" \(declared as RoleScope.subscription\("\/subscriptions\/1111"\) at /);
    expect(() => grantRole(stack, 'd', principal, 'Reader', RoleScope.managementGroup('a/b'), { allowBroadScope: true })).toThrow(
      /^test\/d: scope is "a\/b"; a management group is named by its ID, one path segment such as "corp" \(declared as RoleScope.managementGroup\("a\/b"\) at /);
  });
});

describe('RoleAssignment', () => {
  test('grants a built-in role by name on the scope, as a service principal without the Entra lookup', () => {
    const json = synthWith((stack) => {
      const rg = resourceGroup(stack, 'secureappgw');
      grantRole(stack, 'reader', principal, 'Reader', RoleScope.resourceGroup(rg), { description: 'reads the group' });
    });
    expect(resource(json, 'azurerm_role_assignment')).toEqual(expect.objectContaining({
      scope: `\${${address(json, 'azurerm_resource_group', 'secureappgw')}.id}`,
      role_definition_name: 'Reader',
      principal_id: principal.principalId,
      principal_type: 'ServicePrincipal',
      skip_service_principal_aad_check: true,
      description: 'reads the group',
    }));
  });

  test('users and groups keep the Entra lookup', () => {
    const json = synthWith((stack) => {
      grantRole(stack, 'reader', { principalId: 'abc', principalType: 'Group' }, 'Reader', RoleScope.fromId(rgId));
    });
    const ra = resource(json, 'azurerm_role_assignment');
    expect(ra.principal_type).toBe('Group');
    expect(ra.skip_service_principal_aad_check).toBeUndefined();
    expect(ra.scope).toBe(rgId);
  });

  test('refuses a subscription scope unless allowBroadScope', () => {
    const stack = azureStack();
    expect(() => grantRole(stack, 'sub', principal, 'Reader', RoleScope.subscription('1111'))).toThrow(
      'test/sub: scope is "subscription 1111"; granting Reader on a whole subscription is refused by default; ' +
      'scope it to the resource or resource group the principal works on, or set allowBroadScope');
    expect(() => grantRole(stack, 'mg', principal, 'Reader', RoleScope.managementGroup('corp'))).toThrow(
      /^test\/mg: scope is "management group corp"; granting Reader on a whole management group is refused by default/);
    const json = synthWith((s) => {
      grantRole(s, 'sub', principal, 'Reader', RoleScope.subscription('1111'), { allowBroadScope: true });
    });
    expect(resource(json, 'azurerm_role_assignment').scope).toBe('/subscriptions/1111');
  });

  test('refuses roles that hand out access unless allowPrivilegedRole', () => {
    const stack = azureStack();
    expect(() => grantRole(stack, 'owner', principal, 'Owner', RoleScope.fromId(rgId))).toThrow(
      'test/owner: role is "Owner"; this role lets its holder grant access to others; use a narrower role, or set allowPrivilegedRole');
    expect(() => grantRole(stack, 'uaa', principal, 'User Access Administrator', RoleScope.fromId(rgId))).toThrow(/^test\/uaa: role is "User Access Administrator";/);
    expect(() => grantRole(stack, 'owner2', principal, 'Owner', RoleScope.fromId(rgId), { allowPrivilegedRole: true })).not.toThrow();
  });

  test('refuses a role name that is not a built-in role', () => {
    const stack = azureStack();
    expect(() => new RoleAssignment(stack, 'bad', { principal, role: 'Contributer' as BuiltInRole, scope: RoleScope.fromId(rgId) }))
      .toThrow('test/bad: role is "Contributer"; a built-in role is allowed: "Reader", "Contributor", "Network Contributor", ' +
        '"Virtual Machine Contributor", "Managed Identity Operator", "Monitoring Metrics Publisher", "Monitoring Reader", ' +
        '"Log Analytics Reader", "AcrPull", "Key Vault Secrets User", "Key Vault Certificate User", "Storage Blob Data Reader", ' +
        '"Owner", "User Access Administrator", "Role Based Access Control Administrator"; did you mean "Contributor"?');
  });

  test('refuses a principal type azurerm does not know (JavaScript callers), suggesting the nearest', () => {
    const stack = azureStack();
    expect(() => grantRole(stack, 'bad', { principalId: 'abc', principalType: 'group' as any }, 'Reader', RoleScope.fromId(rgId)))
      .toThrow('test/bad: principal.principalType is "group"; a principal type is allowed: "ServicePrincipal", "User", "Group"; did you mean "Group"?');
  });

  test('refuses a scope that is not a RoleScope', () => {
    const stack = azureStack();
    expect(() => new RoleAssignment(stack, 'bad', { principal, role: 'Reader', scope: rgId as unknown as RoleScope }))
      .toThrow(`test/bad: scope is "${rgId}"; expected a RoleScope, e.g. RoleScope.resource(gateway) or RoleScope.resourceGroup(rg)`);
  });
});
