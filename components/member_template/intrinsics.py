"""CloudFormation intrinsic functions as Python values."""


def ref(name: str) -> dict:
    return {"Ref": name}


def sub(text: str) -> dict:
    return {"Fn::Sub": text}


def get_att(resource: str, attribute: str) -> dict:
    return {"Fn::GetAtt": [resource, attribute]}
