import Foundation

/// A small PNG reader for tests: enough to look at a browser's screenshot (8-bit greyscale, RGB
/// or RGBA, not interlaced), with its own inflate (RFC 1950/1951), so no image tool is needed.
struct PNGPixels {
    let width: Int
    let height: Int
    /// Bytes per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA).
    let channels: Int
    /// Unfiltered rows, `width * channels` bytes each.
    let pixels: [UInt8]

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(_ data: Data) throws {
        let b = [UInt8](data)
        guard b.count > 8, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure(description: "not a PNG") }
        var i = 8, w = 0, h = 0, depth = 0, type = 0, interlace = 0
        var idat: [UInt8] = []
        func be32(_ k: Int) -> Int { Int(b[k]) << 24 | Int(b[k + 1]) << 16 | Int(b[k + 2]) << 8 | Int(b[k + 3]) }
        while i + 8 <= b.count {
            let len = be32(i), kind = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            guard i + 12 + len <= b.count else { throw Failure(description: "truncated chunk \(kind)") }
            let body = Array(b[(i + 8)..<(i + 8 + len)])
            if kind == "IHDR" {
                w = be32(i + 8); h = be32(i + 12); depth = Int(body[8]); type = Int(body[9]); interlace = Int(body[12])
            } else if kind == "IDAT" {
                idat += body
            } else if kind == "IEND" {
                break
            }
            i += 12 + len
        }
        let channelsByType = [0: 1, 2: 3, 4: 2, 6: 4]
        guard depth == 8, interlace == 0, let ch = channelsByType[type], w > 0, h > 0 else {
            throw Failure(description: "unsupported PNG: depth \(depth), colour type \(type), interlace \(interlace)")
        }
        let raw = try Inflate.zlib(idat)
        let stride = w * ch
        guard raw.count >= h * (stride + 1) else { throw Failure(description: "short image data") }
        var out = [UInt8](repeating: 0, count: h * stride)
        for y in 0..<h {
            let filter = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride
            for x in 0..<stride {
                let a = x >= ch ? Int(out[dst + x - ch]) : 0
                let up = y > 0 ? Int(out[dst - stride + x]) : 0
                let c = (x >= ch && y > 0) ? Int(out[dst - stride + x - ch]) : 0
                let v = Int(raw[src + x])
                let predicted: Int
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = up
                case 3: predicted = (a + up) / 2
                case 4:
                    let p = a + up - c, pa = abs(p - a), pb = abs(p - up), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? up : c)
                default: throw Failure(description: "bad filter \(filter) on row \(y)")
                }
                out[dst + x] = UInt8((v + predicted) & 0xFF)
            }
        }
        width = w; height = h; channels = ch; pixels = out
    }

    /// The distinct colours (RGB, alpha ignored) among every pixel.
    var distinctColors: Int {
        var seen = Set<UInt32>()
        for k in stride(from: 0, to: pixels.count, by: channels) {
            let r = pixels[k], g = channels >= 3 ? pixels[k + 1] : r, bl = channels >= 3 ? pixels[k + 2] : r
            seen.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(bl))
        }
        return seen.count
    }

    /// The fraction of pixels that are not (near) white.
    var inkFraction: Double {
        var ink = 0
        for k in stride(from: 0, to: pixels.count, by: channels) {
            let r = pixels[k], g = channels >= 3 ? pixels[k + 1] : r, bl = channels >= 3 ? pixels[k + 2] : r
            if r < 240 || g < 240 || bl < 240 { ink += 1 }
        }
        return Double(ink) / Double(max(1, width * height))
    }
}

/// Inflate (RFC 1951) of a zlib stream (RFC 1950), for ``PNGPixels``.
enum Inflate {
    static func zlib(_ data: [UInt8]) throws -> [UInt8] {
        guard data.count > 2 else { throw PNGPixels.Failure(description: "empty zlib stream") }
        var r = BitReader(data: data, pos: 2)
        var out: [UInt8] = []
        var last = false
        while !last {
            last = try r.bits(1) == 1
            switch try r.bits(2) {
            case 0:
                r.alignToByte()
                guard r.pos + 4 <= data.count else { throw PNGPixels.Failure(description: "truncated stored block") }
                let len = Int(data[r.pos]) | Int(data[r.pos + 1]) << 8
                r.pos += 4
                guard r.pos + len <= data.count else { throw PNGPixels.Failure(description: "truncated stored block") }
                out += data[r.pos..<(r.pos + len)]
                r.pos += len
            case 1:
                try block(&r, &out, Huffman(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 }),
                          Huffman(lengths: [Int](repeating: 5, count: 30)))
            case 2:
                let hlit = try r.bits(5) + 257, hdist = try r.bits(5) + 1, hclen = try r.bits(4) + 4
                let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
                var cl = [Int](repeating: 0, count: 19)
                for k in 0..<hclen { cl[order[k]] = try r.bits(3) }
                let clh = Huffman(lengths: cl)
                var lengths: [Int] = []
                while lengths.count < hlit + hdist {
                    let sym = try clh.decode(&r)
                    switch sym {
                    case 0...15: lengths.append(sym)
                    case 16:
                        guard let prev = lengths.last else { throw PNGPixels.Failure(description: "repeat with no length") }
                        lengths += [Int](repeating: prev, count: 3 + (try r.bits(2)))
                    case 17: lengths += [Int](repeating: 0, count: 3 + (try r.bits(3)))
                    default: lengths += [Int](repeating: 0, count: 11 + (try r.bits(7)))
                    }
                }
                try block(&r, &out, Huffman(lengths: Array(lengths[0..<hlit])), Huffman(lengths: Array(lengths[hlit..<(hlit + hdist)])))
            default:
                throw PNGPixels.Failure(description: "bad deflate block type")
            }
        }
        return out
    }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                           4097, 6145, 8193, 12289, 16385, 24577]
    static let distExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    static func block(_ r: inout BitReader, _ out: inout [UInt8], _ lit: Huffman, _ dist: Huffman) throws {
        while true {
            let sym = try lit.decode(&r)
            if sym < 256 { out.append(UInt8(sym)); continue }
            if sym == 256 { return }
            let li = sym - 257
            guard li < lengthBase.count else { throw PNGPixels.Failure(description: "bad length code") }
            let len = lengthBase[li] + (try r.bits(lengthExtra[li]))
            let di = try dist.decode(&r)
            guard di < distBase.count else { throw PNGPixels.Failure(description: "bad distance code") }
            let d = distBase[di] + (try r.bits(distExtra[di]))
            guard d <= out.count else { throw PNGPixels.Failure(description: "distance too far back") }
            let start = out.count - d
            for k in 0..<len { out.append(out[start + k]) }
        }
    }

    struct BitReader {
        let data: [UInt8]
        var pos: Int
        var bit = 0
        mutating func bits(_ n: Int) throws -> Int {
            var v = 0
            for k in 0..<n {
                guard pos < data.count else { throw PNGPixels.Failure(description: "truncated deflate stream") }
                v |= Int((data[pos] >> UInt8(bit)) & 1) << k
                bit += 1
                if bit == 8 { bit = 0; pos += 1 }
            }
            return v
        }
        mutating func alignToByte() { if bit > 0 { bit = 0; pos += 1 } }
    }

    /// Canonical Huffman decoding by code length (counts and symbols, as in zlib's puff.c).
    struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []
        init(lengths: [Int]) {
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var offs = [Int](repeating: 0, count: 16)
            for l in 1..<16 { offs[l] = offs[l - 1] + counts[l - 1] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (s, l) in lengths.enumerated() where l != 0 { symbols[offs[l]] = s; offs[l] += 1 }
        }
        func decode(_ r: inout BitReader) throws -> Int {
            var code = 0, first = 0, index = 0
            for l in 1..<16 {
                code |= try r.bits(1)
                let count = counts[l]
                if code - count < first { return symbols[index + (code - first)] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw PNGPixels.Failure(description: "bad Huffman code")
        }
    }
}
