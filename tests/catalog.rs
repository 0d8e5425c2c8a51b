//! `interop features` and `interop products` list canonical names with their aliases.

use crate::common::interop;

#[test]
fn features_list_table_rows_in_order_then_capabilities() {
    let run = interop(&["features", "--format", "json"]);
    assert_eq!(run.code, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["schema"], "interop/catalog/1");
    let list = v["features"].as_array().expect("a list");
    let rows: Vec<u64> = list.iter().filter_map(|f| f["row"].as_u64()).collect();
    assert_eq!(rows, (1..=17).collect::<Vec<_>>());
    let ucs = list.iter().find(|f| f["id"] == "unified-contact-store").expect("UCS");
    assert!(ucs["aliases"]["en"].as_array().expect("en").iter().any(|a| a == "UCS"));
    assert!(
        ucs["aliases"]["fr"]
            .as_array()
            .expect("fr")
            .iter()
            .any(|a| a == "magasin de contacts unifié")
    );
    assert!(
        ucs["aliases"]["zh"]
            .as_array()
            .expect("zh")
            .iter()
            .any(|a| a == "统一联系人存储")
    );
    assert!(
        list.iter()
            .any(|f| f["id"] == "server-to-server-auth" && f["row"].is_null())
    );
}

#[test]
fn products_carry_roles_versions_and_retirement() {
    let run = interop(&["products", "--format", "json"]);
    assert_eq!(run.code, 0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let sfbo = v["products"]
        .as_array()
        .expect("list")
        .iter()
        .find(|p| p["id"] == "sfb-online")
        .expect("SfB Online");
    assert_eq!(sfbo["role"], "server");
    assert_eq!(sfbo["deployment"], "online");
    assert_eq!(sfbo["retired"], "2021-07-31");
    assert!(
        sfbo["aliases"]["fr"]
            .as_array()
            .expect("fr")
            .iter()
            .any(|a| a == "Skype Entreprise Online")
    );
}

#[test]
fn text_listings_are_stable() {
    insta::assert_snapshot!("features_text", interop(&["features"]).stdout);
    insta::assert_snapshot!("products_md", interop(&["products", "--format", "md"]).stdout);
}
