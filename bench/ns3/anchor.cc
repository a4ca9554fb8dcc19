/*
 * The two anchor scenarios of arpshift's side-by-side benchmark, written for ns-3 3.37 (the
 * Debian package libns3-dev): an ARP resolution storm in one Layer-2 domain (`storm`) and
 * steady unicast forwarding after it (`steady`). One run per process; it prints one JSON object
 * on stdout: the endpoint and link counters, the event count, its own build / run / destroy
 * wall times and its peak resident memory (getrusage).
 *
 *   anchor --scenario=storm  --hosts=1000 [--seed=1] [--frameCounters=0]
 *   anchor --scenario=steady --hosts=1000
 *
 * Topology: one core bridge C, T = ceil(N / 40) top-of-rack bridges R_t, a gateway G
 * (198.18.0.1/16) on C, and N hosts H_i (198.18.0.2 + i) with H_i on R_(i mod T). Every link is
 * its own two-endpoint half-duplex CSMA segment (ns-3 CsmaChannel), 1 us of delay, 10 Gbit/s
 * from C, 1 Gbit/s to the hosts; each device has a 100-packet drop-tail queue and nothing above
 * it (no queue disc). Links are made in the order C-R_0 .. C-R_(T-1), C-G, R-H_0 .. R-H_(N-1),
 * the switch side first, which fixes the MAC addresses, the bridges' port order and the random
 * stream of every device's backoff.
 *
 * Traffic: at s_i (the mulberry32 start time of host i, seed --seed) host i sends one UDP
 * datagram of 64 bytes to 198.18.0.1:9; its ARP cache is empty, so it broadcasts a request and
 * the gateway answers. `storm` stops at 2 s. `steady` does the same, then at 2 s (one phase
 * event) starts 1000 datagrams per host, every 10 ms from 2 s + (s_i mod 10 ms), and stops at
 * 12.01 s.
 *
 * Counters (per-frame ones from the CsmaNetDevice trace sources, which ns-3 fires as follows:
 * MacTx when a frame is handed to a device, MacRx when an end station's device passes a frame
 * up, PhyTxBegin when a frame goes on a wire, MacTxBackoff on each carrier-sense retry,
 * MacTxDrop when the device queue is full): --frameCounters=0 leaves them unconnected, for
 * timing runs, and prints only the event and datagram counters.
 */
#include "ns3/bridge-helper.h"
#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/csma-helper.h"
#include "ns3/data-rate.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/version-defines.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint32_t HOSTS_PER_RACK = 40;
constexpr uint32_t PAYLOAD_BYTES = 64;
constexpr uint16_t GATEWAY_PORT = 9;
constexpr uint32_t SUBNET = 0xC6120000; // 198.18.0.0/16, the benchmarking block of RFC 2544
constexpr uint32_t GATEWAY_ADDRESS = SUBNET + 1;
constexpr int64_t STORM_END_NS = 2'000'000'000;
constexpr int64_t STEADY_PERIOD_NS = 10'000'000;
constexpr uint32_t STEADY_DATAGRAMS = 1000;
constexpr int64_t STEADY_END_NS = 12'010'000'000;

/** What the run counted; all zero at the start. */
struct Counters
{
    uint64_t arpRequestsSent = 0;
    uint64_t arpRepliesSent = 0;
    uint64_t arpRequestsReceivedHosts = 0;
    uint64_t arpRequestsReceivedGateway = 0;
    uint64_t arpRepliesReceived = 0;
    uint64_t udpSent = 0;
    uint64_t udpDelivered = 0;
    uint64_t endpointFrames = 0;
    uint64_t linkFrames = 0;
    uint64_t backoffs = 0;
    uint64_t queueDrops = 0;
};

Counters g_counters;
Counters g_warmup;
std::vector<Ptr<Socket>> g_hostSockets;
std::vector<int64_t> g_startNs;

/** Which end station a trace callback is bound to. */
enum class Station
{
    Host,
    Gateway,
};

Station g_host = Station::Host;
Station g_gateway = Station::Gateway;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator) start times in [0, 1 s), in nanoseconds:
 * s_i = floor(r_i * 10^9 / 2^32) for the i-th 32-bit output r_i of the generator seeded with
 * `seed`. The same sequence as arpshift's TypeScript generator.
 */
std::vector<int64_t>
StartTimesNs(uint32_t count, uint32_t seed)
{
    std::vector<int64_t> out(count);
    uint32_t state = seed;
    for (uint32_t i = 0; i < count; i++)
    {
        state += 0x6D2B79F5u;
        uint32_t t = (state ^ (state >> 15)) * (state | 1u);
        t ^= t + (t ^ (t >> 7)) * (t | 61u);
        const uint32_t r = t ^ (t >> 14);
        out[i] = static_cast<int64_t>((static_cast<uint64_t>(r) * 1'000'000'000ull) >> 32);
    }
    return out;
}

/**
 * The ARP operation of a whole Ethernet II frame as the CSMA traces carry it (header included,
 * no preamble): 1 request, 2 reply (RFC 826), 0 when the frame is not ARP. The EtherType is at
 * byte 12, the ARP opcode at byte 20 (14-byte Ethernet header + 6 bytes of ARP header).
 */
int
ArpOperation(Ptr<const Packet> frame)
{
    uint8_t bytes[22];
    if (frame->CopyData(bytes, sizeof bytes) < sizeof bytes)
    {
        return 0;
    }
    if (bytes[12] != 0x08 || bytes[13] != 0x06)
    {
        return 0;
    }
    return (bytes[20] << 8) | bytes[21];
}

void
OnEndpointTx(Station* /*station*/, Ptr<const Packet> frame)
{
    const int op = ArpOperation(frame);
    if (op == 1)
    {
        g_counters.arpRequestsSent++;
    }
    else if (op == 2)
    {
        g_counters.arpRepliesSent++;
    }
}

void
OnEndpointRx(Station* station, Ptr<const Packet> frame)
{
    g_counters.endpointFrames++;
    const int op = ArpOperation(frame);
    if (op == 1)
    {
        if (*station == Station::Gateway)
        {
            g_counters.arpRequestsReceivedGateway++;
        }
        else
        {
            g_counters.arpRequestsReceivedHosts++;
        }
    }
    else if (op == 2)
    {
        g_counters.arpRepliesReceived++;
    }
}

void
OnLinkFrame(Ptr<const Packet> /*frame*/)
{
    g_counters.linkFrames++;
}

void
OnBackoff(Ptr<const Packet> /*frame*/)
{
    g_counters.backoffs++;
}

void
OnQueueDrop(Ptr<const Packet> /*frame*/)
{
    g_counters.queueDrops++;
}

void
OnGatewayReceive(Ptr<Socket> socket)
{
    while (socket->Recv())
    {
        g_counters.udpDelivered++;
    }
}

void
SendDatagram(Ptr<Socket> socket)
{
    if (socket->Send(Create<Packet>(PAYLOAD_BYTES)) >= 0)
    {
        g_counters.udpSent++;
    }
}

/** One steady datagram, then the next one 10 ms later while `left` > 1. */
void
SteadySend(Ptr<Socket> socket, uint32_t left)
{
    SendDatagram(socket);
    if (left > 1)
    {
        Simulator::Schedule(NanoSeconds(STEADY_PERIOD_NS), &SteadySend, socket, left - 1);
    }
}

/** The phase event at 2 s of `steady`: keeps the warm-up counters and starts every host's datagrams. */
void
BeginSteady()
{
    g_warmup = g_counters;
    for (size_t i = 0; i < g_hostSockets.size(); i++)
    {
        Simulator::Schedule(NanoSeconds(g_startNs[i] % STEADY_PERIOD_NS),
                            &SteadySend,
                            g_hostSockets[i],
                            STEADY_DATAGRAMS);
    }
}

void
ConnectLinkTraces(Ptr<NetDevice> device)
{
    device->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&OnLinkFrame));
    device->TraceConnectWithoutContext("MacTxBackoff", MakeCallback(&OnBackoff));
    device->TraceConnectWithoutContext("MacTxDrop", MakeCallback(&OnQueueDrop));
}

void
ConnectEndpointTraces(Ptr<NetDevice> device, Station* station)
{
    device->TraceConnectWithoutContext("MacTx", MakeBoundCallback(&OnEndpointTx, station));
    device->TraceConnectWithoutContext("MacRx", MakeBoundCallback(&OnEndpointRx, station));
}

/** Gives `device` (already on `node`, which has IPv4) the address `address`/16 and brings it up. */
void
AddAddress(Ptr<Node> node, Ptr<NetDevice> device, uint32_t address)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    const int32_t ifIndex = ipv4->AddInterface(device);
    ipv4->AddAddress(ifIndex, Ipv4InterfaceAddress(Ipv4Address(address), Ipv4Mask("/16")));
    ipv4->SetMetric(ifIndex, 1);
    ipv4->SetUp(ifIndex);
}

/** Prints `c` as a JSON object; the per-frame counters only when they were counted. */
void
PrintCounters(const Counters& c, bool frameCounters, bool withEvents, uint64_t events)
{
    std::printf("{");
    if (frameCounters)
    {
        std::printf("\"arpRequestsSent\":%llu,\"arpRequestsReceivedHosts\":%llu,"
                    "\"arpRequestsReceivedGateway\":%llu,\"arpRepliesSent\":%llu,"
                    "\"arpRepliesReceived\":%llu,",
                    (unsigned long long)c.arpRequestsSent,
                    (unsigned long long)c.arpRequestsReceivedHosts,
                    (unsigned long long)c.arpRequestsReceivedGateway,
                    (unsigned long long)c.arpRepliesSent,
                    (unsigned long long)c.arpRepliesReceived);
    }
    std::printf("\"udpSent\":%llu,\"udpDelivered\":%llu",
                (unsigned long long)c.udpSent,
                (unsigned long long)c.udpDelivered);
    if (frameCounters)
    {
        std::printf(",\"endpointFrames\":%llu,\"linkFrames\":%llu,\"backoffs\":%llu,"
                    "\"queueDrops\":%llu",
                    (unsigned long long)c.endpointFrames,
                    (unsigned long long)c.linkFrames,
                    (unsigned long long)c.backoffs,
                    (unsigned long long)c.queueDrops);
    }
    if (withEvents)
    {
        std::printf(",\"events\":%llu", (unsigned long long)events);
    }
    std::printf("}");
}

double
SecondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int
main(int argc, char* argv[])
{
    const auto started = std::chrono::steady_clock::now();

    std::string scenario = "storm";
    uint32_t hosts = 100;
    uint32_t seed = 1;
    bool frameCounters = true;
    CommandLine cmd(__FILE__);
    cmd.AddValue("scenario", "storm or steady", scenario);
    cmd.AddValue("hosts", "number of hosts N", hosts);
    cmd.AddValue("seed", "mulberry32 seed of the start times and ns-3 RngSeed (>= 1)", seed);
    cmd.AddValue("frameCounters", "count frames, ARP messages, backoffs and drops (traces on)", frameCounters);
    cmd.Parse(argc, argv);
    if (scenario != "storm" && scenario != "steady")
    {
        std::fprintf(stderr, "anchor: --scenario must be storm or steady, not '%s'\n", scenario.c_str());
        return 2;
    }
    if (hosts < 1 || hosts > 60000)
    {
        std::fprintf(stderr, "anchor: --hosts must be in 1..60000 (one /16), not %u\n", hosts);
        return 2;
    }
    if (seed < 1)
    {
        std::fprintf(stderr, "anchor: --seed must be at least 1 (ns-3 RngSeed)\n");
        return 2;
    }
    const bool steady = scenario == "steady";
    const uint32_t racks = (hosts + HOSTS_PER_RACK - 1) / HOSTS_PER_RACK;

    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(1);

    // ARP: no request jitter; nothing expires during the run; ns-3's defaults for the rest.
    Config::SetDefault("ns3::ArpL3Protocol::RequestJitter",
                       StringValue("ns3::ConstantRandomVariable[Constant=0.0]"));
    Config::SetDefault("ns3::ArpCache::AliveTimeout", TimeValue(Seconds(1000)));
    Config::SetDefault("ns3::ArpCache::DeadTimeout", TimeValue(Seconds(100)));
    Config::SetDefault("ns3::ArpCache::WaitReplyTimeout", TimeValue(Seconds(1)));
    Config::SetDefault("ns3::ArpCache::MaxRetries", UintegerValue(3));
    Config::SetDefault("ns3::ArpCache::PendingQueueSize", UintegerValue(3));
    Config::SetDefault("ns3::BridgeNetDevice::ExpirationTime", TimeValue(Seconds(300)));

    Ptr<Node> core = CreateObject<Node>();
    std::vector<Ptr<Node>> rackNodes(racks);
    for (auto& r : rackNodes)
    {
        r = CreateObject<Node>();
    }
    Ptr<Node> gateway = CreateObject<Node>();
    NodeContainer hostNodes;
    hostNodes.Create(hosts);

    CsmaHelper csma;
    csma.DisableFlowControl(); // no queue disc above the device queue
    csma.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));
    csma.SetDeviceAttribute("EncapsulationMode", StringValue("Dix"));
    csma.SetChannelAttribute("Delay", TimeValue(MicroSeconds(1)));
    auto link = [&csma](Ptr<Node> switchSide, Ptr<Node> other, const char* rate) {
        csma.SetChannelAttribute("DataRate", DataRateValue(DataRate(rate)));
        return csma.Install(NodeContainer(switchSide, other));
    };

    std::vector<Ptr<NetDevice>> allDevices;
    NetDeviceContainer corePorts;
    std::vector<NetDeviceContainer> rackPorts(racks);
    for (uint32_t t = 0; t < racks; t++)
    {
        NetDeviceContainer d = link(core, rackNodes[t], "10Gbps");
        corePorts.Add(d.Get(0));
        rackPorts[t].Add(d.Get(1)); // port 0 of R_t: the uplink
        allDevices.push_back(d.Get(0));
        allDevices.push_back(d.Get(1));
    }
    NetDeviceContainer gatewayLink = link(core, gateway, "10Gbps");
    corePorts.Add(gatewayLink.Get(0));
    allDevices.push_back(gatewayLink.Get(0));
    allDevices.push_back(gatewayLink.Get(1));
    std::vector<Ptr<NetDevice>> hostDevices(hosts);
    for (uint32_t i = 0; i < hosts; i++)
    {
        NetDeviceContainer d = link(rackNodes[i % racks], hostNodes.Get(i), "1Gbps");
        rackPorts[i % racks].Add(d.Get(0));
        hostDevices[i] = d.Get(1);
        allDevices.push_back(d.Get(0));
        allDevices.push_back(d.Get(1));
    }

    BridgeHelper bridge;
    bridge.Install(core, corePorts);
    for (uint32_t t = 0; t < racks; t++)
    {
        bridge.Install(rackNodes[t], rackPorts[t]);
    }

    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.Install(gateway);
    stack.Install(hostNodes);
    AddAddress(gateway, gatewayLink.Get(1), GATEWAY_ADDRESS);
    for (uint32_t i = 0; i < hosts; i++)
    {
        AddAddress(hostNodes.Get(i), hostDevices[i], SUBNET + 2 + i);
    }

    if (frameCounters)
    {
        for (auto& d : allDevices)
        {
            ConnectLinkTraces(d);
        }
        ConnectEndpointTraces(gatewayLink.Get(1), &g_gateway);
        for (auto& d : hostDevices)
        {
            ConnectEndpointTraces(d, &g_host);
        }
    }

    Ptr<Socket> sink = Socket::CreateSocket(gateway, UdpSocketFactory::GetTypeId());
    sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), GATEWAY_PORT));
    sink->SetRecvCallback(MakeCallback(&OnGatewayReceive));

    g_startNs = StartTimesNs(hosts, seed);
    g_hostSockets.resize(hosts);
    for (uint32_t i = 0; i < hosts; i++)
    {
        Ptr<Socket> s = Socket::CreateSocket(hostNodes.Get(i), UdpSocketFactory::GetTypeId());
        s->Bind();
        s->Connect(InetSocketAddress(Ipv4Address(GATEWAY_ADDRESS), GATEWAY_PORT));
        g_hostSockets[i] = s;
        Simulator::Schedule(NanoSeconds(g_startNs[i]), &SendDatagram, s);
    }
    if (steady)
    {
        Simulator::Schedule(NanoSeconds(STORM_END_NS), &BeginSteady);
    }
    Simulator::Stop(NanoSeconds(steady ? STEADY_END_NS : STORM_END_NS));

    const double buildSeconds = SecondsSince(started);
    const auto runStarted = std::chrono::steady_clock::now();
    Simulator::Run();
    const double runSeconds = SecondsSince(runStarted);
    const uint64_t events = Simulator::GetEventCount();
    const double simulatedSeconds = Simulator::Now().GetSeconds();

    const auto destroyStarted = std::chrono::steady_clock::now();
    g_hostSockets.clear();
    sink = nullptr;
    Simulator::Destroy();
    const double destroySeconds = SecondsSince(destroyStarted);
    const double wallSeconds = SecondsSince(started);

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    int64_t startNsSum = 0;
    for (int64_t s : g_startNs)
    {
        startNsSum += s;
    }

    std::printf("{\"simulator\":\"ns-3\",\"ns3Version\":\"%d.%d\",\"scenario\":\"%s\","
                "\"hosts\":%u,\"racks\":%u,\"seed\":%u,\"startNsSum\":%lld,\"simulatedSeconds\":%.9g,"
                "\"frameCounters\":%s,\"counters\":",
                NS3_VERSION_MAJOR,
                NS3_VERSION_MINOR,
                scenario.c_str(),
                hosts,
                racks,
                seed,
                (long long)startNsSum,
                simulatedSeconds,
                frameCounters ? "true" : "false");
    PrintCounters(g_counters, frameCounters, true, events);
    if (steady)
    {
        std::printf(",\"warmup\":");
        PrintCounters(g_warmup, frameCounters, false, 0);
    }
    std::printf(",\"buildSeconds\":%.6f,\"runSeconds\":%.6f,\"destroySeconds\":%.6f,"
                "\"wallSeconds\":%.6f,\"peakRssKiB\":%ld}\n",
                buildSeconds,
                runSeconds,
                destroySeconds,
                wallSeconds,
                usage.ru_maxrss);
    return 0;
}
