/**
 * One line of text per frame, in the manner of tcpdump: time, addresses, VLANs, then what the frame
 * says ("ARP, Request who-has 198.18.0.1 tell 198.18.0.2").
 */
import type { CaptureRecord, EthernetFrame, Icmpv6Message } from '../wire/index.js';
import { classifyArp, echoOf, formatIpv4, formatMac, ndLinkLayerAddress } from '../wire/index.js';
import type { FrameSummary } from './frame-summary.js';

function timeText(record: CaptureRecord): string {
  return `${record.seconds}.${String(record.nanoseconds).padStart(9, '0')}`;
}

function icmpv6Text(m: Icmpv6Message): string {
  switch (m.type) {
    case 'ns': {
      const sll = ndLinkLayerAddress(m.options, 'source-link-layer');
      return `ICMP6, neighbor solicitation, who has ${m.targetAddress}${sll === undefined ? '' : `, source link-address ${formatMac(sll)}`}`;
    }
    case 'na': {
      const flags = [m.routerFlag ? 'router' : '', m.solicitedFlag ? 'solicited' : '', m.overrideFlag ? 'override' : '']
        .filter((f) => f !== '').join(', ');
      const tll = ndLinkLayerAddress(m.options, 'target-link-layer');
      return `ICMP6, neighbor advertisement, tgt is ${m.targetAddress}, Flags [${flags}]${tll === undefined ? '' : `, target link-address ${formatMac(tll)}`}`;
    }
    case 'rs': return 'ICMP6, router solicitation';
    case 'ra': return `ICMP6, router advertisement, lifetime ${m.routerLifetime}s`;
    case 'redirect': return `ICMP6, redirect, ${m.destinationAddress} to ${m.targetAddress}`;
    case 'other': return `ICMP6, type ${m.icmpType}, code ${m.code}`;
  }
}

function payloadText(frame: EthernetFrame, summary: FrameSummary): string {
  const p = frame.payload;
  switch (p.kind) {
    case 'arp': {
      const spa = formatIpv4(p.senderProtocolAddress);
      const tpa = formatIpv4(p.targetProtocolAddress);
      switch (classifyArp(p)) {
        case 'request': return `ARP, Request who-has ${tpa} tell ${spa}`;
        case 'reply': return `ARP, Reply ${spa} is-at ${formatMac(p.senderHardwareAddress)}`;
        case 'probe': return `ARP, Probe who-has ${tpa}`;
        case 'announcement': return `ARP, Announcement ${spa}`;
        case 'gratuitous-request': return `ARP, Gratuitous request ${spa}`;
        case 'gratuitous-reply': return `ARP, Gratuitous reply ${spa} is-at ${formatMac(p.senderHardwareAddress)}`;
        case 'rarp-request': return `RARP, Reverse Request who-is ${formatMac(p.targetHardwareAddress)} tell ${formatMac(p.senderHardwareAddress)}`;
        case 'rarp-reply': return `RARP, Reverse Reply ${formatMac(p.targetHardwareAddress)} at ${tpa}`;
        case 'other': return `ARP, opcode ${p.operation}`;
      }
      break;
    }
    case 'ipv4': {
      const src = formatIpv4(p.source);
      const dst = formatIpv4(p.destination);
      const inner = p.payload;
      if (inner.kind === 'udp') {
        if (inner.payload.kind === 'dhcp') {
          const type = String(summary.dhcp?.['messageType'] ?? 'BOOTP').toUpperCase();
          return `IP ${src}.${inner.sourcePort} > ${dst}.${inner.destinationPort}: DHCP ${type}, yiaddr ${formatIpv4(inner.payload.yourAddress)}`;
        }
        return `IP ${src}.${inner.sourcePort} > ${dst}.${inner.destinationPort}: UDP, length ${inner.payload.bytes.length}`;
      }
      if (inner.kind === 'icmpv4') {
        const echo = echoOf(inner);
        const what = inner.type === 8 ? 'echo request' : inner.type === 0 ? 'echo reply' : `type ${inner.type}, code ${inner.code}`;
        return `IP ${src} > ${dst}: ICMP ${what}${echo ? `, id ${echo.identifier}, seq ${echo.sequenceNumber}` : ''}`;
      }
      if (summary.vrrp !== undefined) return `IP ${src} > ${dst}: ${vrrpText(summary.vrrp, inner.bytes.length)}`;
      return `IP ${src} > ${dst}: protocol ${p.protocol}, length ${inner.bytes.length}`;
    }
    case 'ipv6': {
      const inner = p.payload;
      const head = `IP6 ${p.source} > ${p.destination}:`;
      if (inner.kind === 'icmpv6') return `${head} ${icmpv6Text(inner)}`;
      if (inner.kind === 'udp') return `${head} UDP ${inner.sourcePort} > ${inner.destinationPort}`;
      if (summary.vrrp !== undefined && inner.kind === 'raw') return `${head} ${vrrpText(summary.vrrp, inner.bytes.length)}`;
      return `${head} next-header ${p.nextHeader}, length ${inner.bytes.length}`;
    }
    case 'llc': {
      const b = p.payload;
      if (b.kind === 'bpdu') {
        if (b.type === 'tcn') return 'STP 802.1d, Topology Change';
        const kind = b.type === 'rst' ? 'RSTP 802.1w, Rapid STP' : 'STP 802.1d, Config';
        return `${kind}, Flags [0x${b.flags.toString(16).padStart(2, '0')}], bridge-id ${b.bridgeId.priority.toString(16)}.${formatMac(b.bridgeId.address)}.${b.portId.toString(16)}, root-id ${b.rootId.priority.toString(16)}.${formatMac(b.rootId.address)}, root-pathcost ${b.rootPathCost}`;
      }
      return `LLC, dsap 0x${p.dsap.toString(16)}, ssap 0x${p.ssap.toString(16)}`;
    }
    case 'raw':
      return `ethertype 0x${frame.etherType.toString(16).padStart(4, '0')}, length ${p.bytes.length}`;
  }
}

/** A VRRP advertisement as tcpdump prints it. */
function vrrpText(v: Record<string, unknown>, length: number): string {
  const addrs = (v['addresses'] as string[]).join(', ');
  return `VRRPv3, Advertisement, vrid ${String(v['vrid'])}, prio ${String(v['priority'])}, intvl ${String(v['maxAdvertInterval'])}cs, addrs: ${addrs}, length ${length}`;
}

/** The text line for one frame. */
export function frameText(record: CaptureRecord, summary: FrameSummary, frame: EthernetFrame | undefined): string {
  let line = timeText(record);
  if (summary.eth !== undefined) {
    line += ` ${summary.eth.src} > ${summary.eth.dst}`;
    for (const v of summary.eth.vlans) line += `, vlan ${v}`;
    line += ', ';
  } else {
    line += ' ';
  }
  line += frame !== undefined ? payloadText(frame, summary) : `[malformed: ${summary.error?.message ?? 'unknown'}]`;
  return `${line}, length ${summary.length}`;
}
