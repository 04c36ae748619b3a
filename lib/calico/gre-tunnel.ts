import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { TerraformStack, Token } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { stringifyYaml } from '../core/yaml';
import { Cidr, ValidationError, checkDns1123Subdomain, isIpAddress } from '../core';
import { requireProps } from '../core/guards';
import { checkInsideRange, isUsableInside } from './tunnel-inside';

/**
 * Bytes a GRE tunnel adds to each packet: the 4-byte GRE header (RFC 2784, no key or checksum) and
 * the outer IP header, 20 bytes for IPv4 and 40 for IPv6. The tunnel's MTU is the path's MTU minus this.
 */
export const GRE_OVERHEAD = { 4: 24, 6: 44 } as const;

/** The MTU of an Ethernet path, what a tunnel's underlay is assumed to carry unless told otherwise. */
export const ETHERNET_MTU = 1500;

/** The TTL of the tunnel's outer packets: the largest, so the outer packet never inherits a spent inner TTL. */
export const GRE_OUTER_TTL = 255;

/** `rp_filter` 2: loose reverse-path filtering, a source need only be reachable through some interface. */
export const RP_FILTER_LOOSE = 2;

function rpFilterKey(ifname: string): string {
  // rp_filter exists for IPv4 only; the inside addresses are IPv4 whatever the outer family.
  return `net.ipv4.conf.${ifname}.rp_filter`;
}

/** The smallest MTU an IPv4 interface may have (RFC 791). */
const MIN_IPV4_MTU = 68;

/** One node's GRE tunnel to a router, e.g. an AWS Transit Gateway Connect peer. */
export interface GreTunnel {
  /** The Kubernetes node the tunnel is on (a DNS-1123 subdomain), e.g. `node-1`; names its user data. */
  readonly node: string;
  /** The node's own address: the tunnel's outer source, e.g. `10.10.0.10`. */
  readonly localAddress: string;
  /** The router's GRE address: the tunnel's outer destination, e.g. `192.0.2.1`. */
  readonly remoteAddress: string;
  /** The tunnel's inside range, e.g. `169.254.8.8/29`. */
  readonly insideCidr: Cidr | string;
  /** The node's address in it, configured on the tunnel interface, e.g. `169.254.8.9`. */
  readonly insideAddress: string;
}

/** Props of {@link GreTunnelUserData}. */
export interface GreTunnelUserDataProps {
  /** One tunnel per node. */
  readonly tunnels: readonly GreTunnel[];
  /** Name of the tunnel interface on each node: 1 to 15 letters, digits, '_', '.' or '-'. @default 'gre1' */
  readonly interfaceName?: string;
  /**
   * The MTU of the path between the tunnel's ends, what the outer packets must fit in (an AWS transit
   * gateway carries 8500 bytes).
   * @default ETHERNET_MTU (1500)
   */
  readonly underlayMtu?: number;
  /** The tunnel interface's MTU, at most the underlay's less {@link GRE_OVERHEAD}. @default - underlayMtu - 24 (IPv4 outer) or - 44 (IPv6 outer) */
  readonly mtu?: number;
  /** The prefix length every inside range must have, when the router requires one (29 for AWS Transit Gateway Connect). @default - any that leaves two usable addresses */
  readonly insidePrefix?: number;
  /** Write each node's user data to `<outdir>/user-data/<stack>/<node>.yaml` during synth. @default true */
  readonly writeFiles?: boolean;
}

const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/**
 * Cloud-init user data that gives each node its GRE tunnel: a netplan `tunnels:` entry (mode `gre`,
 * local and remote outer addresses, the node's inside address with its prefix, an MTU that fits the
 * underlay, outer TTL 255 rather than the inner packet's) written to `/etc/netplan/60-<interface>.yaml`,
 * the GRE kernel module loaded at every boot, loose reverse-path filtering (`rp_filter` 2) on the
 * tunnel interface, where replies to egress gateways arrive although the route back to their source
 * is another interface, and `netplan apply` on first boot. Cloud-init ignores network settings in user data, hence a file
 * netplan reads rather than a `network:` key.
 *
 * Provider-neutral: it takes plain addresses, which a stack wires from its cloud's constructs (on AWS,
 * a Transit Gateway Connect peer's `peerAddress`, `transitGatewayAddress`, `insideCidr` and
 * `peerInsideAddress`). Attach {@link userData} to the node's instance; user data runs on first boot.
 */
export class GreTunnelUserData extends Construct {
  /** The tunnel interface's name on every node. */
  public readonly interfaceName: string;
  /** The tunnel interface's MTU. */
  public readonly mtu: number;
  /** The nodes, in the order given. */
  public readonly nodes: readonly string[];
  private readonly byNode = new Map<string, string>();

  constructor(scope: Construct, id: string, props: GreTunnelUserDataProps) {
    super(scope, id);
    requireProps(this, 'GreTunnelUserData', props, ['tunnels']);
    this.interfaceName = props.interfaceName ?? 'gre1';
    if (!INTERFACE_NAME.test(this.interfaceName) || this.interfaceName === '.' || this.interfaceName === '..') {
      throw new ValidationError(this, 'interfaceName', this.interfaceName,
        "a Linux interface name is 1 to 15 letters, digits, '_', '.' or '-'");
    }
    if (props.tunnels.length === 0) {
      throw new ValidationError(this, 'tunnels', [], 'name at least one node\'s tunnel');
    }
    const underlay = props.underlayMtu ?? ETHERNET_MTU;
    if (!Number.isInteger(underlay) || underlay < MIN_IPV4_MTU + GRE_OVERHEAD[6]) {
      throw new ValidationError(this, 'underlayMtu', underlay, `an underlay MTU is a whole number of bytes, at least ${MIN_IPV4_MTU + GRE_OVERHEAD[6]}`);
    }
    if (props.insidePrefix !== undefined && (!Number.isInteger(props.insidePrefix) || props.insidePrefix < 1 || props.insidePrefix > 30)) {
      throw new ValidationError(this, 'insidePrefix', props.insidePrefix, 'an inside prefix length is 1 to 30 (a tunnel needs two usable addresses)');
    }

    const seen = new Set<string>();
    const tunnels = props.tunnels.map((t, i) => this.checkTunnel(t, `tunnels[${i}]`, props.insidePrefix, seen));
    const versions = new Set(tunnels.map((t) => t.outerVersion));
    const overhead = GRE_OVERHEAD[versions.has(6) ? 6 : 4];
    this.mtu = props.mtu ?? underlay - overhead;
    if (!Number.isInteger(this.mtu) || this.mtu < MIN_IPV4_MTU || this.mtu > underlay - overhead) {
      throw new ValidationError(this, 'mtu', this.mtu,
        `the tunnel's packets carry ${overhead} bytes of GRE and outer IP header, so its MTU is ${MIN_IPV4_MTU} to ${underlay - overhead} on a ${underlay}-byte underlay`);
    }
    for (const t of tunnels) this.byNode.set(t.node, this.render(t));
    this.nodes = tunnels.map((t) => t.node);

    if (props.writeFiles ?? true) {
      addCustomSynthesis(this, { onSynthesize: (session) => this.writeFiles(session.outdir) });
    }
  }

  /** The `#cloud-config` user data of `node`. */
  public userData(node: string): string {
    const text = this.byNode.get(node);
    if (text === undefined) {
      throw new ValidationError(this, 'node', node, `no tunnel is declared for it; nodes: ${this.nodes.join(', ')}`);
    }
    return text;
  }

  /** File name and content of each node's user data, in the order the nodes were given. */
  public files(): { name: string; content: string }[] {
    return this.nodes.map((node) => ({ name: `${node}.yaml`, content: this.userData(node) }));
  }

  /** The folder the files go to: `<outdir>/user-data/<stack>`. */
  public directory(outdir: string): string {
    return path.join(outdir, 'user-data', TerraformStack.of(this).node.id);
  }

  private writeFiles(outdir: string): void {
    const dir = this.directory(outdir);
    fs.mkdirSync(dir, { recursive: true });
    for (const file of this.files()) fs.writeFileSync(path.join(dir, file.name), file.content);
  }

  private checkTunnel(t: GreTunnel, field: string, insidePrefix: number | undefined, seen: Set<string>): CheckedTunnel {
    if (Token.isUnresolved(t.node)) {
      throw new ValidationError(this, `${field}.node`, t.node, 'user data is written at synth: the node name must be a literal');
    }
    checkDns1123Subdomain(this, `${field}.node`, t.node);
    if (seen.has(t.node)) {
      throw new ValidationError(this, `${field}.node`, t.node, 'each node has one tunnel');
    }
    seen.add(t.node);
    for (const [key, value] of [['localAddress', t.localAddress], ['remoteAddress', t.remoteAddress]] as const) {
      if (typeof value !== 'string' || Token.isUnresolved(value) || !isIpAddress(value)) {
        throw new ValidationError(this, `${field}.${key}`, value, 'expected a literal IP address, e.g. 10.10.0.10');
      }
    }
    const outerVersion = t.localAddress.includes(':') ? 6 : 4;
    if (t.remoteAddress.includes(':') !== (outerVersion === 6)) {
      throw new ValidationError(this, `${field}.remoteAddress`, t.remoteAddress,
        `a tunnel's two ends are of one IP family; the local address is ${t.localAddress}`);
    }
    const inside = checkInsideRange(this, `${field}.insideCidr`, t.insideCidr, insidePrefix);
    if (!isIpAddress(t.insideAddress) || !isUsableInside(inside, t.insideAddress)) {
      throw new ValidationError(this, `${field}.insideAddress`, t.insideAddress,
        `the node's inside address is a usable address of ${inside} (not its first or last)`);
    }
    return { node: t.node, localAddress: t.localAddress, remoteAddress: t.remoteAddress, inside, insideAddress: t.insideAddress, outerVersion };
  }

  private render(t: CheckedTunnel): string {
    const ifname = this.interfaceName;
    const netplan = {
      network: {
        version: 2,
        tunnels: {
          [ifname]: {
            mode: t.outerVersion === 4 ? 'gre' : 'ip6gre',
            local: t.localAddress,
            remote: t.remoteAddress,
            addresses: [`${t.insideAddress}/${t.inside.prefix}`],
            mtu: this.mtu,
            // Without it the outer packet inherits the inner packet's TTL (netplan's default, 0).
            ttl: GRE_OUTER_TTL,
          },
        },
      },
    };
    const module = t.outerVersion === 4 ? 'ip_gre' : 'ip6_gre';
    const config = {
      write_files: [
        // Loaded at every boot, before networkd creates the tunnel.
        { path: `/etc/modules-load.d/${ifname}.conf`, permissions: '0644', content: `${module}\n` },
        // netplan refuses to read configuration other users can read.
        { path: `/etc/netplan/60-${ifname}.yaml`, permissions: '0600', content: stringifyYaml(netplan, { lineWidth: 0 }) },
        // Replies to the egress gateways arrive on the tunnel while the route back to their source is
        // the node's own interface: strict reverse-path filtering would drop them. Loose (2) on the
        // tunnel only; systemd-udevd applies it whenever the interface appears.
        { path: `/etc/sysctl.d/60-${ifname}.conf`, permissions: '0644', content: `${rpFilterKey(ifname)} = ${RP_FILTER_LOOSE}\n` },
      ],
      runcmd: [`modprobe ${module}`, 'netplan apply', `sysctl -w ${rpFilterKey(ifname)}=${RP_FILTER_LOOSE}`],
    };
    return [
      '#cloud-config',
      `# ${t.node}: GRE tunnel ${ifname} ${t.localAddress} -> ${t.remoteAddress}, inside ${t.insideAddress}/${t.inside.prefix}, MTU ${this.mtu}.`,
      '# Generated by cdktf-kubernetes-egress; do not edit.',
      stringifyYaml(config, { lineWidth: 0 }),
    ].join('\n');
  }
}

interface CheckedTunnel {
  readonly node: string;
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly inside: Cidr;
  readonly insideAddress: string;
  readonly outerVersion: 4 | 6;
}
