import QtQuick
import "../components"

Item {
    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width, 900)
        spacing: Theme.spacing * 2
        ScreenTitle {
            horizontalAlignment: Text.AlignHCenter
            text: "请选择语言 · 請選擇語言 · Choose your language"
        }
        Repeater {
            model: session.languages
            BigButton {
                required property var modelData
                objectName: "choose_" + modelData.code
                width: parent.width
                height: Theme.minTouch * 1.5
                pixelSize: Theme.fontTitle
                primary: true
                text: modelData.label
                onClicked: session.chooseLanguage(modelData.code)
            }
        }
    }
}
