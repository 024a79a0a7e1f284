/// The iteration order CPython (3.8 and later) gives `list(set(items))` for tuples of small non-negative integers.
///
/// causal-learn builds the conditioning sets of maxP, definiteMaxP and collider priorities 3/4 as
/// `list(set(powerset(Neigh(x)) + powerset(Neigh(z))))` and tests them in that order; definiteMaxP even stops at the
/// first p > alpha, so the order decides which tests run. Reproducing it keeps ProvKit's CI-test log identical to
/// causal-learn's there too. This models CPython's `tuplehash` (the xxHash-based one of 3.8+; an int hashes to itself)
/// and `setobject.c` (8-slot start, linear probes of 9, perturbed probing, resize ×4 at 60 % fill).
enum PythonSetOrder {
    static func tupleHash(_ items: [Int]) -> UInt64 {
        let prime1: UInt64 = 11_400_714_785_074_694_791
        let prime2: UInt64 = 14_029_467_366_897_019_727
        let prime5: UInt64 = 2_870_177_450_012_600_261
        var acc = prime5
        for item in items {
            acc = acc &+ UInt64(bitPattern: Int64(item)) &* prime2
            acc = (acc << 31) | (acc >> 33)
            acc = acc &* prime1
        }
        acc = acc &+ (UInt64(items.count) ^ (prime5 ^ 3_527_539))
        if acc == UInt64.max { return 1_546_275_796 }
        return acc
    }

    /// `list(set(items))`: duplicates removed, in CPython's table order.
    static func ordered(_ items: [[Int]]) -> [[Int]] {
        let linearProbes = 9
        var mask = 7
        var table = [Int](repeating: -1, count: 8)  // index into `unique`, -1 empty
        var unique: [[Int]] = []
        var hashes: [UInt64] = []
        var used = 0

        func insertClean(_ index: Int, into table: inout [Int], mask: Int) {
            let hash = hashes[index]
            var perturb = hash
            var i = Int(hash & UInt64(mask))
            while true {
                if table[i] < 0 {
                    table[i] = index
                    return
                }
                if i + linearProbes <= mask {
                    for j in 1...linearProbes where table[i + j] < 0 {
                        table[i + j] = index
                        return
                    }
                }
                perturb >>= 5
                i = Int((UInt64(i) &* 5 &+ 1 &+ perturb) & UInt64(mask))
            }
        }

        for item in items {
            let hash = tupleHash(item)
            var perturb = hash
            var i = Int(hash & UInt64(mask))
            var slot = -1
            search: while true {
                let probes = i + linearProbes <= mask ? linearProbes : 0
                for j in 0...probes {
                    let entry = table[i + j]
                    if entry < 0 {
                        slot = i + j
                        break search
                    }
                    if hashes[entry] == hash && unique[entry] == item { break search }
                }
                perturb >>= 5
                i = Int((UInt64(i) &* 5 &+ 1 &+ perturb) & UInt64(mask))
            }
            guard slot >= 0 else { continue }  // already present
            unique.append(item)
            hashes.append(hash)
            table[slot] = unique.count - 1
            used += 1
            // fill == used: nothing is ever deleted.
            if used * 5 >= mask * 3 {
                let minimum = used > 50_000 ? used * 2 : used * 4
                var size = 8
                while size <= minimum { size <<= 1 }
                var newTable = [Int](repeating: -1, count: size)
                for entry in table where entry >= 0 { insertClean(entry, into: &newTable, mask: size - 1) }
                table = newTable
                mask = size - 1
            }
        }
        return table.filter { $0 >= 0 }.map { unique[$0] }
    }
}
