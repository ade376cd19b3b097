fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (text, _) = hoshin_import::decode(&bytes).unwrap();
    let parsed = hoshin_import::parse(&text, &hoshin_import::Hints::default());
    print!("{}", hoshin_import::outline(&parsed, &text));
}
