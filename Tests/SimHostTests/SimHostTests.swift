import CJemalloc
import Foundation
import XCTest

@testable import SimHost

final class SimHostTests: XCTestCase {
    func testTopologyHasProcessingUnitsAndAllowedCPUs() {
        let topology = HostTopology.detect()
        XCTAssertGreaterThanOrEqual(topology.processingUnits, 1)
        XCTAssertGreaterThanOrEqual(topology.cores, 1)
        XCTAssertGreaterThanOrEqual(topology.packages, 1)
        XCTAssertGreaterThanOrEqual(topology.numaNodes, 1)
        XCTAssertFalse(topology.allowedCPUs.isEmpty)
        XCTAssertEqual(topology.allowedCPUs, topology.allowedCPUs.sorted())
        for cpu in topology.allowedCPUs {
            XCTAssertGreaterThanOrEqual(cpu, 0)
            XCTAssertLessThan(cpu, 65_536)
        }
        XCTAssertTrue(
            topology.source.hasPrefix("hwloc 2.") || topology.source.hasPrefix("fallback:"),
            topology.source)
    }

    func testTopologyCodableRoundTrip() throws {
        let topology = HostTopology.detect()
        let data = try JSONEncoder().encode(topology)
        XCTAssertEqual(try JSONDecoder().decode(HostTopology.self, from: data), topology)
    }

    func testWorkerCPUsComeFromAllowedSet() {
        let binder = CPUBinder.shared
        let allowed = Set(binder.allowedCPUs)
        let workers = binder.workerCPUs(count: 3)
        XCTAssertEqual(workers.count, 3)
        for cpu in workers { XCTAssertTrue(allowed.contains(cpu), "\(cpu) not in \(allowed)") }
        XCTAssertEqual(binder.workerCPUs(count: 0), [])
        // The first min(count, allowed) workers get distinct CPUs.
        let spread = binder.workerCPUs(count: allowed.count)
        XCTAssertEqual(Set(spread), allowed)
    }

    func testBindCurrentThreadToFirstAllowedCPU() throws {
        let binder = CPUBinder.shared
        guard let first = binder.allowedCPUs.first else {
            throw XCTSkip("no allowed CPU known")
        }
        let saved = binder.currentThreadCPUs()
        guard binder.bindCurrentThread(toCPU: first) else {
            throw XCTSkip("CPU binding unsupported or refused here (canBind: \(binder.canBind))")
        }
        defer {
            if let saved { binder.bindCurrentThread(toCPUs: saved) } else { binder.unbindCurrentThread() }
        }
        if let now = binder.currentThreadCPUs() { XCTAssertEqual(now, [first]) }
        XCTAssertFalse(binder.bindCurrentThread(toCPU: -1))
        XCTAssertFalse(binder.bindCurrentThread(toCPU: 1 << 20))
    }

    func testJemallocIsLinkedIntoTheTests() {
        // The test bundle links jemalloc as the command line does (SimHost finds it at run time).
        var version: UnsafePointer<CChar>? = nil
        var length = MemoryLayout<UnsafePointer<CChar>?>.size
        XCTAssertEqual(mallctl("version", &version, &length, nil, 0), 0)
    }

    func testAllocatorIsJemalloc() {
        XCTAssertTrue(Allocator.name.contains("jemalloc"), Allocator.name)
        XCTAssertTrue(Allocator.isProcessAllocator, "malloc is not served by jemalloc")
    }

    func testAllocatedBytesGrowWithA64MiBArray() throws {
        let before = try XCTUnwrap(Allocator.stats())
        XCTAssertGreaterThan(before.allocatedBytes, 0)
        XCTAssertTrue(before.allocator.contains("jemalloc"))
        let size = 64 << 20
        let array = [UInt8](repeating: 1, count: size)  // writes, so touches, every page
        withExtendedLifetime(array) {
            guard let after = Allocator.stats() else { return XCTFail("stats unavailable") }
            XCTAssertGreaterThanOrEqual(after.allocatedBytes, before.allocatedBytes + UInt64(size) / 2)
            XCTAssertGreaterThanOrEqual(after.residentBytes, UInt64(size))
            XCTAssertGreaterThanOrEqual(after.mappedBytes, after.activeBytes)
        }
        XCTAssertGreaterThanOrEqual(Allocator.peakResidentBytes(), UInt64(size))
    }

    func testHostReportMentionsPUsAndAllocator() {
        let report = hostReport(
            topology: HostTopology.detect(), stats: Allocator.stats(),
            peakResidentBytes: Allocator.peakResidentBytes())
        XCTAssertTrue(report.contains("PUs"), report)
        XCTAssertTrue(report.contains("jemalloc"), report)
        XCTAssertTrue(report.contains("MiB"), report)
    }

    func testFallbackWhenHwlocSeesNoCoresOrPackages() throws {
        // Without the linux and x86 backends hwloc sees PUs only, like a container
        // that hides /sys. hwloc reads the variable when the topology is created.
        setenv("HWLOC_COMPONENTS", "-linux,-x86", 1)
        let loaded = HwlocTopology()
        unsetenv("HWLOC_COMPONENTS")
        let hwloc = try XCTUnwrap(loaded)
        let topology = HostTopology.from(hwloc)
        XCTAssertGreaterThanOrEqual(topology.packages, 1)
        XCTAssertGreaterThanOrEqual(topology.cores, 1)
        XCTAssertGreaterThanOrEqual(topology.processingUnits, 1)
        XCTAssertFalse(topology.allowedCPUs.isEmpty)
        let fallback = HostTopology.fallback(reason: "test")
        XCTAssertEqual(fallback.source, "fallback: test")
        XCTAssertGreaterThanOrEqual(fallback.cores, 1)
        XCTAssertTrue(hostReport(topology: fallback, stats: nil).contains("PUs"))
    }

    func testFormatCPUListAndMebibytes() {
        XCTAssertEqual(formatCPUList([0, 1]), "0-1")
        XCTAssertEqual(formatCPUList([8, 7, 5, 0, 1, 2, 2]), "0-2,5,7-8")
        XCTAssertEqual(formatCPUList([3]), "3")
        XCTAssertEqual(formatCPUList([]), "none")
        XCTAssertEqual(mebibytes(0), "0.00 MiB")
        XCTAssertEqual(mebibytes(3 << 19), "1.50 MiB")
        XCTAssertEqual(mebibytes(64 << 20), "64.00 MiB")
    }
}
