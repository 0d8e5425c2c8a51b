//! Sets of topologies, the algebra the engine answers with.
//!
//! A topology puts one product in each role. A [`Cube`] is a set of topologies written as one
//! set of allowed products per role; since every product belongs to exactly one role, a cube is
//! a single bit set over all products. A [`Region`] is a union of cubes. Conditions compile to
//! regions once, at load time; answering a question is then intersections and differences of
//! small bit sets.

use std::ops::Range;

use crate::bits::Bits;

/// The products of each role: what "any product in this role" means.
///
/// A cube's bit for a product is not the product's number: the bits are laid out role by
/// role (in product order within each role), so that whatever concerns one role reads only
/// the words of that role. A base whose products of different roles are listed interleaved
/// (every synthetic copy names products of each role) would otherwise read every word once
/// per role.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Universe {
    /// By role, its products' bits.
    roles: Vec<Bits>,
    /// By role, the words that hold its bits.
    words: Vec<Range<usize>>,
    /// By product, its bit.
    bit_of: Vec<u32>,
    /// By bit, its product.
    product_at: Vec<u32>,
    products: usize,
}

/// Topologies whose product in each role is one of the allowed ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Cube(Bits);

/// A union of cubes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Region(Vec<Cube>);

impl Universe {
    /// `role_of[p]` is the role of product `p`.
    ///
    /// # Panics
    /// With a role not below `role_count`, or more than 2³² products.
    #[must_use]
    pub fn new(role_count: usize, role_of: &[usize]) -> Self {
        assert!(
            role_of.iter().all(|&r| r < role_count),
            "a product of a role beyond the {role_count} roles"
        );
        let products = role_of.len();
        let mut roles = vec![Bits::with_capacity(products); role_count];
        let mut words = Vec::with_capacity(role_count);
        let mut bit_of = vec![0; products];
        let mut product_at = Vec::with_capacity(products);
        for (r, bits) in roles.iter_mut().enumerate() {
            let first = product_at.len();
            for (p, _) in role_of.iter().enumerate().filter(|&(_, &pr)| pr == r) {
                let bit = product_at.len();
                bit_of[p] = u32::try_from(bit).expect("fewer than 2³² products");
                product_at.push(u32::try_from(p).expect("fewer than 2³² products"));
                bits.insert(bit);
            }
            words.push(Bits::words_of(first..product_at.len()));
        }
        Universe {
            roles,
            words,
            bit_of,
            product_at,
            products,
        }
    }

    #[must_use]
    pub fn role_count(&self) -> usize {
        self.roles.len()
    }

    /// The bit of a product; none for a number that is no product's.
    fn bit(&self, product: usize) -> Option<usize> {
        self.bit_of.get(product).map(|&b| b as usize)
    }

    fn words(&self, role: usize) -> Range<usize> {
        self.words[role].clone()
    }

    /// Every topology.
    #[must_use]
    pub fn full(&self) -> Cube {
        let mut all = Bits::with_capacity(self.products);
        all.insert_all();
        Cube(all)
    }

    /// Every topology whose product in `role` is one of `allowed` (products of other roles in
    /// `allowed` are ignored).
    #[must_use]
    pub fn restrict(&self, role: usize, allowed: impl IntoIterator<Item = usize>) -> Cube {
        let mut cube = self.full();
        cube.0.difference_with_in(&self.roles[role], self.words(role));
        for bit in allowed.into_iter().filter_map(|p| self.bit(p)) {
            if self.roles[role].contains(bit) {
                cube.0.insert(bit);
            }
        }
        cube
    }

    /// Every topology whose product in `role` is none of `excluded`.
    #[must_use]
    pub fn restrict_except(&self, role: usize, excluded: impl IntoIterator<Item = usize>) -> Cube {
        let mut cube = self.full();
        for bit in excluded.into_iter().filter_map(|p| self.bit(p)) {
            if self.roles[role].contains(bit) {
                cube.0.set(bit, false);
            }
        }
        cube
    }

    /// The products of `role`, in product order.
    pub fn role_products(&self, role: usize) -> impl Iterator<Item = usize> + '_ {
        self.products_in(&self.roles[role])
    }

    /// A set of bits of cubes ([`Cube::bits`]) as the set of their products, by number.
    #[must_use]
    pub fn products_of(&self, bits: &Bits) -> Bits {
        let mut out = Bits::with_capacity(self.products);
        for p in self.products_in(bits) {
            out.insert(p);
        }
        out
    }

    /// The products a set of bits of cubes holds, by number, in the order of the bits.
    pub fn products_in<'a>(&'a self, bits: &'a Bits) -> impl Iterator<Item = usize> + 'a {
        bits.ones().map(|b| self.product_at[b] as usize)
    }

    /// The bits of `role`'s products, as [`Cube::bits`] has them.
    #[must_use]
    pub fn role_bits(&self, role: usize) -> &Bits {
        &self.roles[role]
    }

    /// Whether the cube holds no topology: some role has no allowed product.
    #[must_use]
    pub fn is_empty(&self, cube: &Cube) -> bool {
        (0..self.roles.len()).any(|r| cube.0.is_disjoint_in(&self.roles[r], self.words(r)))
    }

    /// Whether `a ∩ b` holds no topology, without making it.
    #[must_use]
    pub fn meet_is_empty(&self, a: &Cube, b: &Cube) -> bool {
        (0..self.roles.len()).any(|r| a.0.meet_is_clear_in(&b.0, &self.roles[r], self.words(r)))
    }

    /// Whether `cube` leaves `role` free (every product allowed).
    #[must_use]
    pub fn is_free(&self, cube: &Cube, role: usize) -> bool {
        self.roles[role].is_subset_in(&cube.0, self.words(role))
    }

    /// Whether `cube` allows `product` in its role.
    #[must_use]
    pub fn allows(&self, cube: &Cube, product: usize) -> bool {
        self.bit(product).is_some_and(|b| cube.0.contains(b))
    }

    /// `cube` with every product of `role` allowed.
    #[must_use]
    pub fn free(&self, cube: &Cube, role: usize) -> Cube {
        let mut c = cube.0.clone();
        c.union_with_in(&self.roles[role], self.words(role));
        Cube(c)
    }

    /// The allowed products of `role` in `cube`, in product order.
    pub fn allowed<'a>(&'a self, cube: &'a Cube, role: usize) -> impl Iterator<Item = usize> + 'a {
        cube.0
            .intersection_in(&self.roles[role], self.words(role))
            .map(|b| self.product_at[b] as usize)
    }

    /// The topologies of `a` that are not in `b`, as disjoint cubes added to `pieces`: role
    /// by role, the part of what is left whose product there is outside `b`. Each step reads
    /// the role's words only, and a role `b` leaves free costs no copy.
    fn subtract_into(&self, a: &Cube, b: &Cube, pieces: &mut Vec<Cube>) {
        // What is left of `a`, once a role has taken its piece (until then, `a` itself).
        let mut rest: Option<Bits> = None;
        for (r, role) in self.roles.iter().enumerate() {
            let w = self.words(r);
            let current = rest.as_ref().unwrap_or(&a.0);
            if !current.outside_meets_in(&b.0, role, w.clone()) {
                continue;
            }
            // `current` with, in this role, only the products outside `b`.
            let mut piece = current.clone();
            piece.remove_meet_in(&b.0, role, w.clone());
            let piece = Cube(piece);
            if !self.is_empty(&piece) {
                pieces.push(piece);
            }
            // Keep only the part inside `b` for this role.
            let rest = rest.get_or_insert_with(|| a.0.clone());
            rest.keep_within_in(&b.0, role, w.clone());
            if rest.is_disjoint_in(role, w) {
                break;
            }
        }
    }
}

impl Cube {
    /// The bytes it takes (what keeping it costs).
    #[must_use]
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Cube>() + self.0.heap_bytes()
    }

    #[must_use]
    pub fn intersect(&self, other: &Cube) -> Cube {
        let mut c = self.0.clone();
        c.intersect_with(&other.0);
        Cube(c)
    }

    /// The allowed products, as one bit set over every product, in the universe's order of
    /// bits ([`Universe::products_of`] numbers them as products).
    #[must_use]
    pub fn bits(&self) -> &Bits {
        &self.0
    }

    /// Whether every topology of `self` is in `other`.
    #[must_use]
    pub fn is_subset(&self, other: &Cube) -> bool {
        self.0.is_subset(&other.0)
    }
}

impl Region {
    #[must_use]
    pub fn empty() -> Self {
        Region(Vec::new())
    }

    #[must_use]
    pub fn cubes(&self) -> &[Cube] {
        &self.0
    }

    /// The bytes its cubes take (what keeping it costs).
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.0.iter().map(Cube::bytes).sum()
    }

    #[must_use]
    pub fn from_cube(u: &Universe, cube: Cube) -> Self {
        let mut r = Region::empty();
        r.push(u, cube);
        r
    }

    /// Add a cube, keeping no cube that another one contains.
    pub fn push(&mut self, u: &Universe, cube: Cube) {
        if u.is_empty(&cube) || self.0.iter().any(|c| cube.is_subset(c)) {
            return;
        }
        self.0.retain(|c| !c.is_subset(&cube));
        self.0.push(cube);
    }

    #[must_use]
    pub fn union(mut self, u: &Universe, other: &Region) -> Region {
        for c in &other.0 {
            self.push(u, c.clone());
        }
        self
    }

    #[must_use]
    pub fn intersect(&self, u: &Universe, other: &Region) -> Region {
        let mut out = Region::empty();
        for a in &self.0 {
            for b in &other.0 {
                out.push(u, a.intersect(b));
            }
        }
        out
    }

    #[must_use]
    pub fn intersect_cube(&self, u: &Universe, cube: &Cube) -> Region {
        let mut out = Region::empty();
        for a in &self.0 {
            out.push(u, a.intersect(cube));
        }
        out
    }

    /// The topologies of `self` outside `other`.
    #[must_use]
    pub fn subtract(&self, u: &Universe, other: &Region) -> Region {
        let mut current = self.0.clone();
        let mut next = Vec::new();
        for b in &other.0 {
            for a in current.drain(..) {
                if u.meet_is_empty(&a, b) {
                    next.push(a);
                } else {
                    u.subtract_into(&a, b, &mut next);
                }
            }
            std::mem::swap(&mut current, &mut next);
            if current.is_empty() {
                break;
            }
        }
        let mut out = Region(Vec::with_capacity(current.len()));
        for c in current {
            out.push(u, c);
        }
        out
    }

    /// The complement within `within`.
    #[must_use]
    pub fn complement(&self, u: &Universe) -> Region {
        Region::from_cube(u, u.full()).subtract(u, self)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The region with every product of `role` allowed in each cube: "for some product in
    /// that role".
    #[must_use]
    pub fn free_role(&self, u: &Universe, role: usize) -> Region {
        let mut out = Region::empty();
        for c in &self.0 {
            out.push(u, u.free(c, role));
        }
        out
    }

    /// Whether every topology of `cube` is in the region.
    #[must_use]
    pub fn covers(&self, u: &Universe, cube: &Cube) -> bool {
        // Most often one cube holds it all.
        self.0.iter().any(|c| cube.is_subset(c)) || Region::from_cube(u, cube.clone()).subtract(u, self).is_empty()
    }

    /// Whether some topology of `cube` is in the region.
    #[must_use]
    pub fn meets(&self, u: &Universe, cube: &Cube) -> bool {
        self.0.iter().any(|c| !u.meet_is_empty(c, cube))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Two roles: products 0,1,2 in role 0; products 3,4 in role 1.
    fn universe() -> Universe {
        Universe::new(2, &[0, 0, 0, 1, 1])
    }

    #[test]
    fn restrict_leaves_other_roles_free() {
        let u = universe();
        let c = u.restrict(0, [1]);
        assert!(u.is_free(&c, 1));
        assert!(!u.is_free(&c, 0));
        assert_eq!(u.allowed(&c, 0).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn subtraction_is_exact() {
        let u = universe();
        let all = Region::from_cube(&u, u.full());
        let a = Region::from_cube(&u, u.restrict(0, [0, 1]).intersect(&u.restrict(1, [3])));
        let rest = all.subtract(&u, &a);
        // 3 × 2 = 6 topologies, minus 2.
        let mut count = 0;
        for p0 in 0..3 {
            for p1 in 3..5 {
                let point = u.restrict(0, [p0]).intersect(&u.restrict(1, [p1]));
                let inside_a = a.covers(&u, &point);
                assert_eq!(rest.covers(&u, &point), !inside_a);
                assert_eq!(rest.meets(&u, &point), !inside_a);
                count += usize::from(!inside_a);
            }
        }
        assert_eq!(count, 4);
        assert!(rest.union(&u, &a).covers(&u, &u.full()));
    }

    /// Products of three roles listed interleaved, as synthetic copies list them: the bits
    /// are laid out by role, and every answer in products is the same as if they were not.
    #[test]
    fn interleaved_roles_answer_in_products() {
        // Role of products 0..8: role 1 has 1, 4, 7; role 2 has 2, 5, 8.
        let role_of = [0, 1, 2, 0, 1, 2, 0, 1, 2];
        let u = Universe::new(3, &role_of);
        for r in 0..3 {
            let mine: Vec<usize> = (0..9).filter(|&p| role_of[p] == r).collect();
            assert_eq!(u.role_products(r).collect::<Vec<_>>(), mine);
            assert_eq!(u.allowed(&u.full(), r).collect::<Vec<_>>(), mine);
        }
        let a = u.restrict(1, [7, 1, 3]).intersect(&u.restrict_except(2, [5]));
        assert_eq!(u.allowed(&a, 1).collect::<Vec<_>>(), [1, 7], "3 is not of role 1");
        assert_eq!(u.allowed(&a, 2).collect::<Vec<_>>(), [2, 8]);
        assert!(u.is_free(&a, 0) && !u.is_free(&a, 1) && !u.is_free(&a, 2));
        assert!(u.allows(&a, 7) && !u.allows(&a, 4) && !u.allows(&a, 5) && u.allows(&a, 6));
        let allowed: Vec<usize> = u.products_of(a.bits()).ones().collect();
        assert_eq!(allowed, [0, 1, 2, 3, 6, 7, 8]);
        assert!(u.is_free(&u.free(&a, 1), 1));
        // Subtraction, point by point.
        let b = Region::from_cube(&u, u.restrict(0, [3]).intersect(&u.restrict(2, [2, 5])));
        let rest = Region::from_cube(&u, a.clone()).subtract(&u, &b);
        let point = |x: usize, y: usize, z: usize| {
            u.restrict(0, [x])
                .intersect(&u.restrict(1, [y]))
                .intersect(&u.restrict(2, [z]))
        };
        for x in [0, 3, 6] {
            for y in [1, 4, 7] {
                for z in [2, 5, 8] {
                    let p = point(x, y, z);
                    let in_a = !u.meet_is_empty(&a, &p);
                    let expected = in_a && !b.covers(&u, &p);
                    assert_eq!(rest.covers(&u, &p), expected, "({x}, {y}, {z})");
                    assert_eq!(rest.meets(&u, &p), expected, "({x}, {y}, {z})");
                }
            }
        }
    }

    /// A universe whose roles straddle words (300 products, on the heap), against what the
    /// same sets say in products.
    #[test]
    fn roles_across_words_answer_as_sets_of_products() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut rnd = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let n = 300;
        let role_of: Vec<usize> = (0..n).map(|p| (p * 7 % 11) % 3).collect();
        let u = Universe::new(3, &role_of);
        let of_role = |r: usize| -> Vec<usize> { (0..n).filter(|&p| role_of[p] == r).collect() };
        // A random cube: for each role, a random subset (sometimes all, sometimes one product).
        let cube = |rnd: &mut dyn FnMut(usize) -> usize| -> (Cube, Vec<Vec<usize>>) {
            let mut c = u.full();
            let mut sets = Vec::new();
            for r in 0..3 {
                let all = of_role(r);
                let set: Vec<usize> = match rnd(4) {
                    0 => all.clone(),
                    1 => vec![all[rnd(all.len())]],
                    _ => all.iter().copied().filter(|_| rnd(3) == 0).collect(),
                };
                c = c.intersect(&u.restrict(r, set.iter().copied()));
                sets.push(set);
            }
            (c, sets)
        };
        for _ in 0..300 {
            let (a, sa) = cube(&mut rnd);
            let (b, sb) = cube(&mut rnd);
            for (r, set) in sa.iter().enumerate() {
                assert_eq!(&u.allowed(&a, r).collect::<Vec<_>>(), set, "allowed {r}");
                assert_eq!(u.is_free(&a, r), set.len() == of_role(r).len());
                let freed = u.free(&a, r);
                assert_eq!(u.allowed(&freed, r).collect::<Vec<_>>(), of_role(r));
            }
            assert_eq!(u.is_empty(&a), sa.iter().any(Vec::is_empty));
            let meet_empty = (0..3).any(|r| !sa[r].iter().any(|p| sb[r].contains(p)));
            assert_eq!(u.meet_is_empty(&a, &b), meet_empty);
            let mut mine: Vec<usize> = sa.concat();
            mine.sort_unstable();
            assert_eq!(u.products_of(a.bits()).ones().collect::<Vec<_>>(), mine);
            for p in 0..n {
                assert_eq!(u.allows(&a, p), sa[role_of[p]].contains(&p));
            }
            let rest = Region::from_cube(&u, a.clone()).subtract(&u, &Region::from_cube(&u, b.clone()));
            for _ in 0..40 {
                let pt: Vec<usize> = (0..3)
                    .map(|r| {
                        let pool = if rnd(2) == 0 && !sa[r].is_empty() {
                            sa[r].clone()
                        } else {
                            of_role(r)
                        };
                        pool[rnd(pool.len())]
                    })
                    .collect();
                let point = (0..3).fold(u.full(), |c, r| c.intersect(&u.restrict(r, [pt[r]])));
                let in_a = (0..3).all(|r| sa[r].contains(&pt[r]));
                let in_b = (0..3).all(|r| sb[r].contains(&pt[r]));
                assert_eq!(rest.covers(&u, &point), in_a && !in_b, "{pt:?}");
                assert_eq!(rest.meets(&u, &point), in_a && !in_b, "{pt:?}");
            }
        }
    }

    #[test]
    fn union_of_pieces_covers_without_a_single_cube_doing_so() {
        let u = universe();
        let r = Region::from_cube(&u, u.restrict(0, [0])).union(&u, &Region::from_cube(&u, u.restrict(0, [1, 2])));
        assert!(r.covers(&u, &u.full()));
        assert!(Region::empty().complement(&u).covers(&u, &u.full()));
    }
}
