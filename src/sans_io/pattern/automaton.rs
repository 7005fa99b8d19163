//! The glob automaton: a glob parsed into tokens, compiled to a small
//! program of states, and run over a URL keeping every live state at once.

/// Characters that give a glob piece a meaning the URL parser must not see.
pub(super) const META: [char; 4] = ['*', '{', '}', '\\'];

/// Deeper `{` nesting is treated as literal text (bounds recursion on hostile input).
pub(super) const MAX_GROUP_DEPTH: usize = 16;

/// A parsed glob element.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// One character, matched exactly.
    Literal(char),
    /// `*`: any run of characters except `/`.
    Star,
    /// `**`: any run of characters.
    DoubleStar,
    /// `**/` right after a `/`: nothing, or one or more characters ending with `/`.
    DeepDir,
    /// `{a,b}`: one of the alternatives.
    Group(Vec<Vec<Token>>),
}

/// An instruction of the compiled automaton; `usize` fields are indices of next states.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Inst {
    /// Consume this exact character.
    Char(char, usize),
    /// Consume any one character.
    Any(usize),
    /// Consume any character (except `/` unless `slash`) and stay here, or move on to `next`
    /// without consuming.
    Loop {
        /// Whether `/` may be consumed.
        slash: bool,
        /// The state after the loop.
        next: usize,
    },
    /// Move on to all of these states without consuming.
    Split(Vec<usize>),
    /// The whole glob has matched.
    Match,
}

/// A compiled glob: its states and the one to start in.
#[derive(Clone, Debug)]
pub(super) struct Program {
    program: Vec<Inst>,
    start: usize,
}

impl Program {
    /// Compiles an already resolved glob.
    pub(super) fn compile(source: &str) -> Program {
        let chars: Vec<char> = source.chars().collect();
        let roles = brace_roles(&chars);
        let tokens = parse_alternatives(&chars, &roles, 0, chars.len(), false)
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut program = vec![Inst::Match];
        let start = if source.is_empty() {
            // An empty glob matches everything, as in Playwright.
            program.push(Inst::Loop {
                slash: true,
                next: 0,
            });
            1
        } else {
            compile_seq(&tokens, 0, &mut program)
        };
        Program { program, start }
    }

    /// Does the whole of `url` match the glob?
    ///
    pub(super) fn matches(&self, url: &str) -> bool {
        let mut sim = Simulation::new(self.program.len());
        let mut current = Vec::new();
        sim.add(&self.program, self.start, &mut current);
        for c in url.chars() {
            if current.is_empty() {
                return false;
            }
            sim.next_generation();
            let mut next = Vec::with_capacity(current.len());
            for &state in &current {
                match self.program.get(state) {
                    Some(Inst::Char(want, to)) if *want == c => {
                        sim.add(&self.program, *to, &mut next)
                    }
                    Some(Inst::Any(to)) => sim.add(&self.program, *to, &mut next),
                    Some(Inst::Loop { slash, .. }) if *slash || c != '/' => {
                        sim.add(&self.program, state, &mut next)
                    }
                    _ => {}
                }
            }
            current = next;
        }
        current
            .iter()
            .any(|&s| matches!(self.program.get(s), Some(Inst::Match)))
    }
}

/// Book-keeping for running the automaton: which states are already in the set being built.
struct Simulation {
    seen: Vec<u32>,
    generation: u32,
    stack: Vec<usize>,
}

impl Simulation {
    fn new(states: usize) -> Self {
        Simulation {
            seen: vec![0; states],
            generation: 1,
            stack: Vec::new(),
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Only after 2^32 characters; start the marks afresh rather than alias old ones.
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// Adds `state` and everything reachable from it without consuming a character to `set`.
    fn add(&mut self, program: &[Inst], state: usize, set: &mut Vec<usize>) {
        self.stack.push(state);
        while let Some(s) = self.stack.pop() {
            let Some(mark) = self.seen.get_mut(s) else {
                continue;
            };
            if *mark == self.generation {
                continue;
            }
            *mark = self.generation;
            match program.get(s) {
                Some(Inst::Split(targets)) => self.stack.extend(targets.iter().rev()),
                Some(Inst::Loop { next, .. }) => {
                    set.push(s);
                    self.stack.push(*next);
                }
                Some(_) => set.push(s),
                None => {}
            }
        }
    }
}

/// What a character of the glob is, as far as braces go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Role {
    /// A `{` whose matching `}` is at this index.
    Open(usize),
    /// Anything else (including unmatched braces, which are literal).
    Plain,
}

/// Pairs up the unescaped braces of a glob.
pub(super) fn brace_roles(chars: &[char]) -> Vec<Role> {
    let mut roles = vec![Role::Plain; chars.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i += 1,
            '{' if open.len() < MAX_GROUP_DEPTH => open.push(i),
            '}' => {
                if let Some(o) = open.pop() {
                    if let Some(role) = roles.get_mut(o) {
                        *role = Role::Open(i);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    roles
}

/// Parses `chars[lo..hi]` into alternatives (split at top-level `,` when `in_group`).
fn parse_alternatives(
    chars: &[char],
    roles: &[Role],
    lo: usize,
    hi: usize,
    in_group: bool,
) -> Vec<Vec<Token>> {
    let mut alternatives = Vec::new();
    let mut seq = Vec::new();
    let mut i = lo;
    while i < hi {
        let Some(&c) = chars.get(i) else { break };
        match c {
            '\\' if i + 1 < hi => {
                if let Some(&escaped) = chars.get(i + 1) {
                    seq.push(Token::Literal(escaped));
                }
                i += 2;
            }
            '*' => i = parse_stars(chars, i, hi, &mut seq),
            '{' => match roles.get(i) {
                Some(&Role::Open(close)) => {
                    let alts = parse_alternatives(chars, roles, i + 1, close, true);
                    seq.push(Token::Group(alts));
                    i = close + 1;
                }
                _ => {
                    seq.push(Token::Literal('{'));
                    i += 1;
                }
            },
            ',' if in_group => {
                alternatives.push(std::mem::take(&mut seq));
                i += 1;
            }
            _ => {
                seq.push(Token::Literal(c));
                i += 1;
            }
        }
    }
    alternatives.push(seq);
    alternatives
}

/// Parses the run of `*` that starts at `chars[i]` (before `hi`) onto `seq`;
/// returns the index after it. Like Playwright, it looks at the raw
/// characters around the run: `**/` right after a `/` is a whole-segments
/// wildcard.
fn parse_stars(chars: &[char], i: usize, hi: usize, seq: &mut Vec<Token>) -> usize {
    let before = i.checked_sub(1).and_then(|b| chars.get(b)).copied();
    // Counted in a slice that ends at `hi`, so no comparison with `hi` is needed (one with
    // `<=` in its place would behave the same: `chars[hi]` is the group's `}` or past the end).
    let rest = chars.get(i..hi).unwrap_or_default();
    let stars = rest.iter().take_while(|&&c| c == '*').count();
    let after = rest.get(stars).copied();
    let mut end = i + stars;
    if stars < 2 {
        seq.push(Token::Star);
    } else if after == Some('/') {
        end += 1;
        if before == Some('/') {
            seq.push(Token::DeepDir);
        } else {
            seq.push(Token::DoubleStar);
            seq.push(Token::Literal('/'));
        }
    } else {
        seq.push(Token::DoubleStar);
    }
    end
}

/// Compiles `tokens` so that after them the automaton continues at `next`; returns the
/// entry state.
fn compile_seq(tokens: &[Token], next: usize, program: &mut Vec<Inst>) -> usize {
    tokens
        .iter()
        .rev()
        .fold(next, |next, token| compile_token(token, next, program))
}

/// Appends `inst` and returns its index.
fn push(inst: Inst, program: &mut Vec<Inst>) -> usize {
    program.push(inst);
    program.len() - 1
}

fn compile_token(token: &Token, next: usize, program: &mut Vec<Inst>) -> usize {
    match token {
        Token::Literal(c) => push(Inst::Char(*c, next), program),
        Token::Star => push(Inst::Loop { slash: false, next }, program),
        Token::DoubleStar => push(Inst::Loop { slash: true, next }, program),
        Token::DeepDir => {
            // Playwright's `((.+/)|)`: nothing, or one char, any run, then `/`.
            let slash = push(Inst::Char('/', next), program);
            let run = push(
                Inst::Loop {
                    slash: true,
                    next: slash,
                },
                program,
            );
            let one = push(Inst::Any(run), program);
            push(Inst::Split(vec![next, one]), program)
        }
        Token::Group(alternatives) => {
            let entries = alternatives
                .iter()
                .map(|alt| compile_seq(alt, next, program))
                .collect();
            push(Inst::Split(entries), program)
        }
    }
}
