/**
 * Whether an IP address is a public unicast address, for SSRF protection when the façade fetches
 * a URL a client chose (Client ID Metadata Documents). Special-purpose ranges from the IANA IPv4
 * and IPv6 Special-Purpose Address Registries (RFC 6890 and successors) are refused.
 */
import type { BlockList } from 'node:net';

// Two lists: Node's BlockList also matches IPv4 addresses against IPv4-mapped IPv6 rules, so one
// list holding ::ffff:0:0/96 would refuse every IPv4 address. Built on first use (only a Client ID
// Metadata Document fetch asks), so no function's init loads node:net for them.
let lists: { readonly blocked: BlockList; readonly blocked6: BlockList } | undefined;

function blockLists(): { readonly blocked: BlockList; readonly blocked6: BlockList } {
  if (lists) return lists;
  const { BlockList: List } = process.getBuiltinModule('node:net');
  const blocked = new List();
  const blocked6 = new List();
  for (const [net, prefix] of [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
    ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
  ] as const) blocked.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [
    // ::/96: the unspecified and loopback addresses and the deprecated IPv4-compatible addresses
    // (RFC 4291 §2.5.5.1), which the resolver prints in hex (`::7f00:1` is 127.0.0.1);
    // ::ffff:0:0/96 IPv4-mapped and ::ffff:0:0:0/96 IPv4-translated (RFC 2765) in any written form.
    ['::', 96], ['::ffff:0:0', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
    ['2002::', 16], ['3fff::', 20], ['5f00::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
  ] as const) blocked6.addSubnet(net, prefix, 'ipv6');
  lists = { blocked, blocked6 };
  return lists;
}

export function isPublicAddress(address: string): boolean {
  const family = process.getBuiltinModule('node:net').isIP(address);
  const { blocked, blocked6 } = blockLists();
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  // Every IPv6 address with an IPv4 address in its last 32 bits under ::/96 or ::ffff:0:0/96 is
  // refused, whichever way it is written (dotted or hex): nothing public is reached that way.
  return !blocked6.check(address, 'ipv6');
}
