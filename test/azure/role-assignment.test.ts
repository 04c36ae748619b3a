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

  test('refuses a reference in fromId, which cannot tell its level', () => {
    synthWith((stack) => {
      const rg = resourceGroup(stack);
      expect(() => RoleScope.fromId(rg.id)).toThrow(
        /^\(role scope\): scope is a deploy-time reference to azurerm_resource_group\.rg-rg\.id; RoleScope.fromId needs a literal ID; for a reference use RoleScope.resource\(x\)/);
    });
  });

  test('refuses a string that is not an Azure ID', () => {
    expect(() => RoleScope.fromId('secureappgw')).toThrow(
      '(role scope): scope is "secureappgw"; expected an Azure ID: /subscriptions/<id>[/resourceGroups/<name>[/providers/...]]');
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
      .toThrow(/^test\/bad: role is "Contributer"; expected a built-in role: Reader, Contributor, Network Contributor,/);
  });

  test('refuses a scope that is not a RoleScope', () => {
    const stack = azureStack();
    expect(() => new RoleAssignment(stack, 'bad', { principal, role: 'Reader', scope: rgId as unknown as RoleScope }))
      .toThrow(`test/bad: scope is "${rgId}"; expected a RoleScope, e.g. RoleScope.resource(gateway) or RoleScope.resourceGroup(rg)`);
  });
});
