//! A small, deterministic generator of live-blog pages in the DW text layout, for tests that
//! need many files: stories with short-URL ids, some re-published in other pages, some
//! captured twice with different text.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "minister",
    "troops",
    "border",
    "talks",
    "ceasefire",
    "election",
    "parliament",
    "vote",
    "budget",
    "floods",
    "drought",
    "harvest",
    "exports",
    "prices",
    "inflation",
    "central",
    "bank",
    "rates",
    "strike",
    "union",
    "court",
    "ruling",
    "appeal",
    "protest",
    "capital",
    "police",
    "crowds",
    "summit",
    "leaders",
    "agreement",
    "sanctions",
    "energy",
    "pipeline",
    "grid",
    "storm",
    "coast",
    "rescue",
    "teams",
    "village",
    "hospital",
    "doctors",
    "vaccine",
    "school",
    "students",
    "teachers",
    "railway",
    "airport",
    "flights",
    "delays",
    "refugees",
    "camp",
    "aid",
    "convoy",
    "shelling",
    "drones",
    "missile",
    "defence",
    "satellite",
    "launch",
    "orbit",
    "probe",
    "climate",
    "emissions",
    "forest",
    "fires",
    "wildlife",
    "river",
    "dam",
    "water",
    "shortage",
    "football",
    "league",
    "final",
    "coach",
    "player",
    "stadium",
    "festival",
    "museum",
    "artist",
    "film",
    "award",
    "jury",
    "market",
    "shares",
    "investors",
    "company",
    "factory",
    "workers",
    "wages",
    "jobs",
    "report",
    "survey",
    "census",
    "mayor",
    "city",
    "council",
    "housing",
    "rents",
    "tenants",
    "journalists",
    "editor",
    "newspaper",
    "broadcast",
    "signal",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const AGENCIES: &[&str] = &["AP", "Reuters", "AFP", "dpa"];

/// A small deterministic random number generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// One story (update) of a live blog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// The short-URL code, which is the entry id.
    pub id: String,
    pub title: String,
    pub paragraphs: Vec<String>,
    /// Day of year 2024 (1..=360).
    pub day: u32,
}

/// One page (file).
#[derive(Debug, Clone)]
pub struct Page {
    pub id: String,
    pub headline: String,
    pub published: u32,
    pub updated: u32,
    pub stories: Vec<Story>,
}

/// Makes stories and pages.
pub struct Newsroom {
    pub rng: Rng,
    counter: u64,
}

fn date(day: u32) -> String {
    let month = ((day - 1) / 30).min(11);
    format!("{} {}, 2024", MONTHS[month as usize], (day - 1) % 30 + 1)
}

impl Newsroom {
    pub fn new(seed: u64) -> Newsroom {
        Newsroom { rng: Rng::new(seed), counter: 0 }
    }

    /// A fresh short-URL code.
    pub fn code(&mut self) -> String {
        const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        self.counter += 1;
        let mut n = self.counter * 7919 + 1_000_000;
        let mut out = String::from("t");
        while n > 0 {
            out.push(B62[(n % 62) as usize] as char);
            n /= 62;
        }
        out
    }

    pub fn words(&mut self, n: u64) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[(self.rng.next() % WORDS.len() as u64) as usize]);
        }
        out
    }

    pub fn sentence(&mut self) -> String {
        let n = self.rng.range(6, 14);
        let mut s = self.words(n);
        if let Some(first) = s.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        s.push('.');
        s
    }

    pub fn paragraph(&mut self) -> String {
        let n = self.rng.range(1, 3);
        (0..n).map(|_| self.sentence()).collect::<Vec<_>>().join(" ")
    }

    pub fn story(&mut self, day: u32) -> Story {
        let title = {
            let n = self.rng.range(4, 8);
            let mut t = self.words(n);
            if let Some(first) = t.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            t
        };
        let n = self.rng.range(1, 3);
        let paragraphs = (0..n).map(|_| self.paragraph()).collect();
        Story { id: self.code(), title, paragraphs, day }
    }

    /// A page of `n` new stories over one to three days.
    pub fn page(&mut self, n: usize) -> Page {
        let published = self.rng.range(1, 355) as u32;
        let updated = published + self.rng.range(0, 2) as u32;
        let stories = (0..n).map(|i| self.story(updated - (i as u32 % (updated - published + 1)))).collect();
        let headline = format!("Live updates: {}", self.words(4));
        Page { id: self.code(), headline, published, updated, stories }
    }
}

impl Page {
    /// The page as text, in the layout of DW live blogs saved from a browser.
    pub fn text(&self) -> String {
        let mut out = String::new();
        out.push_str("1. Skip to content\n  2. Skip to main menu\n  3. Skip to more DW sites\nConflictsUkraine\n\n");
        let _ = write!(
            out,
            "{}\n\nPublished {}last updated {}\n\n",
            self.headline,
            date(self.published),
            date(self.updated)
        );
        let _ = write!(out, "The latest developments from our newsroom.\n\nhttps://p.dw.com/p/{}\n", self.id);
        out.push_str("A photo of the scene\nPeople gather in the squareImage: DW\n");
        out.push_str("Skip next section What you need to know\n\nWhat you need to know\n\n");
        let _ = write!(out, "Talks on {} continue.\n\n", self.headline.to_lowercase());
        let last = self.stories.len().saturating_sub(1);
        for (i, s) in self.stories.iter().enumerate() {
            let _ = write!(out, "Skip next section {}\n{}\n\n{}\n\n", s.title, date(s.day), s.title);
            for p in &s.paragraphs {
                out.push_str(p);
                out.push_str("\n\n");
            }
            if i == last {
                let _ = write!(out, "ab/cd ({})\n\n", AGENCIES[s.id.len() % AGENCIES.len()]);
                let _ = write!(out, "https://p.dw.com/p/{}", s.id);
            } else {
                let _ = writeln!(out, "https://p.dw.com/p/{}", s.id);
            }
        }
        out
    }

    /// Writes the page under `dir`, in a folder per month.
    pub fn write(&self, dir: &Path) -> std::path::PathBuf {
        let path = dir.join(format!("{:02}", (self.published - 1) / 30 + 1)).join(format!("live-{}.txt", self.id));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, self.text()).unwrap();
        path
    }
}

/// A corpus of `files` pages with two to five stories each, where about one story in ten
/// also appears in a later page, as live blogs re-publish updates. Returns the pages.
pub fn corpus(newsroom: &mut Newsroom, files: usize) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::with_capacity(files);
    for _ in 0..files {
        let n = newsroom.rng.range(2, 5) as usize;
        let mut page = newsroom.page(n);
        if !pages.is_empty() && newsroom.rng.chance(30) {
            let from = (newsroom.rng.next() % pages.len() as u64) as usize;
            let story = pages[from].stories[0].clone();
            page.stories.insert(1.min(page.stories.len()), story);
        }
        pages.push(page);
    }
    pages
}
